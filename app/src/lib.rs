//! Rampart's user interface: Leptos pages and components.
//!
//! The crate is compiled twice: natively with the `ssr` feature (the server renders every page
//! to HTML) and to wasm32 with `hydrate` (the browser attaches the reactive code to that HTML).
//! Server-only code sits behind `#[cfg(feature = "ssr")]`, so nothing of the server reaches
//! the wasm bundle.

pub mod api;
pub mod browser;
pub mod components;
pub mod hooks;
pub mod pages;
pub mod security;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

/// The name cargo-leptos gives the site's JS, wasm and CSS files (`pkg/rampart.*`): the
/// `name` of `[[workspace.metadata.leptos]]` in the workspace manifest.
pub const OUTPUT_NAME: &str = "rampart";

/// The HTML document around the application, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    security::set_page_policy();

    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The root component: document metadata and the routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    api::provide_api();

    view! {
        <Stylesheet id="leptos" href=format!("/pkg/{OUTPUT_NAME}.css")/>
        <Link rel="icon" href="/favicon.ico"/>
        <Meta
            name="description"
            content="Rampart: threat modelling for cloud-native architectures"
        />
        <Title formatter=|page: String| {
            if page.is_empty() { "Rampart".to_string() } else { format!("{page} · Rampart") }
        }/>
        <Router>
            <components::TopBar/>
            <main id="content">
                <Routes fallback=pages::NotFound>
                    <Route path=path!("") view=pages::HomePage/>
                    <Route path=path!("/setup") view=pages::SetupPage/>
                    <Route path=path!("/signin") view=pages::SignInPage/>
                    <Route path=path!("/signup") view=pages::SignUpPage/>
                    <Route path=path!("/reset-password") view=pages::ResetPasswordPage/>
                    <Route path=path!("/account") view=pages::AccountPage/>
                    <Route path=path!("/teams") view=pages::TeamsPage/>
                    <Route path=path!("/teams/:id") view=pages::TeamPage/>
                    <Route path=path!("/invitations") view=pages::InvitationsPage/>
                    <Route path=path!("/audit") view=pages::AuditPage/>
                    <Route path=path!("/admin/users") view=pages::AdminUsersPage/>
                </Routes>
            </main>
        </Router>
    }
}
