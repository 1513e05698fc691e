//! Rampart's user interface: Leptos pages and components.
//!
//! The crate is compiled twice: natively with the `ssr` feature (the server renders every page
//! to HTML) and to wasm32 with `hydrate` (the browser attaches the reactive code to that HTML).
//! Server-only code sits behind `#[cfg(feature = "ssr")]`, so nothing of the server reaches
//! the wasm bundle.

pub mod api;
pub mod browser;
pub mod components;
pub mod diagram;
pub mod erase;
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
    // The editor's page loads the editor's own, smaller bundle, where the build made one.
    let path = use_context::<leptos_router::location::RequestUrl>();
    let mut scripts = options.clone();
    if use_context::<EditorBundle>().is_some_and(|b| b.0) {
        scripts.output_name = bundle_for(path.as_ref().map_or("/", AsRef::as_ref)).into();
    }

    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options=scripts/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The name of the editor's own bundle (`pkg/rampart-editor.*`), built from the
/// `frontend-editor` crate beside the one cargo-leptos builds.
pub const EDITOR_OUTPUT_NAME: &str = "rampart-editor";

/// Whether the site holds the editor's bundle (the server looks when it starts; the release
/// build makes it, `cargo leptos watch` does not). Without it every page loads the whole
/// application.
#[derive(Clone, Copy, Debug)]
pub struct EditorBundle(pub bool);

/// Whether the page at `path` is a model's editor (`/models/{id}`), the one page the
/// editor's bundle hydrates. `path` may be a whole URL, as the server's `RequestUrl` is.
pub fn is_editor_path(path: &str) -> bool {
    let path = match path.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |at| &rest[at..]),
        None => path,
    };
    let path = path.split(['?', '#']).next().unwrap_or_default();
    path.strip_prefix("/models/")
        .is_some_and(|id| !id.is_empty() && !id.contains('/'))
}

/// The bundle the page at `path` loads: the editor's own for a model's editor, else the
/// whole application.
pub fn bundle_for(path: &str) -> &'static str {
    if is_editor_path(path) {
        EDITOR_OUTPUT_NAME
    } else {
        OUTPUT_NAME
    }
}

/// What both roots put in the document's head, and the API client.
fn document_setup() -> impl IntoView {
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
    }
}

/// The root component: document metadata and the routes. The server renders every page with
/// it, and the whole application's bundle hydrates it.
#[component]
pub fn App() -> impl IntoView {
    view! {
        {document_setup()}
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
                    <Route path=path!("/api") view=pages::ApiDocsPage/>
                    <Route path=path!("/models/:id") view=pages::EditorPage/>
                    <Route path=path!("/models") view=pages::DashboardPage/>
                    <Route path=path!("/models/:id/register") view=pages::RegisterPage/>
                    <Route path=path!("/models/:id/versions") view=pages::VersionsPage/>
                </Routes>
            </main>
        </Router>
    }
}

/// The root the editor's own bundle hydrates when a model's editor is the page loaded: the
/// same document as [`App`] renders there, with the editor as its only route. Most visits to
/// a model start at its address, and this bundle leaves out every other page (about a third
/// of the whole). Following a link to any other page loads that page from the server.
#[component]
pub fn EditorApp() -> impl IntoView {
    view! {
        {document_setup()}
        <Router>
            <components::TopBar/>
            <main id="content">
                <Routes fallback=LoadFromServer>
                    <Route path=path!("/models/:id") view=pages::EditorPage/>
                </Routes>
            </main>
        </Router>
    }
}

/// A page's address from the router's parts: the query without its `?`, the fragment with or
/// without its `#` (a sign-in redirect carries `#next=…`).
pub fn full_path(path: &str, search: &str, hash: &str) -> String {
    let mut full = path.to_owned();
    if !search.is_empty() {
        full.push('?');
        full.push_str(search);
    }
    if !hash.is_empty() {
        if !hash.starts_with('#') {
            full.push('#');
        }
        full.push_str(hash);
    }
    full
}

/// Whether `target` is the document at `current` (path and query), whatever its fragment.
pub fn is_current_page(current: &str, target: &str) -> bool {
    target.split('#').next() == Some(current)
}

/// Shown by the editor's bundle for a page it does not have: the page is loaded from the
/// server instead, in place of the history entry the router is making for it. A link's
/// address is written after this renders (a reload would load the editor again), a redirect's
/// before.
#[component]
fn LoadFromServer() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        let location = leptos_router::hooks::use_location();
        let target = location.pathname.with_untracked(|path| {
            location.search.with_untracked(|search| {
                location
                    .hash
                    .with_untracked(|hash| full_path(path, search, hash))
            })
        });
        let here = window().location();
        let current = format!(
            "{}{}",
            here.pathname().unwrap_or_default(),
            here.search().unwrap_or_default()
        );
        // Where the router already wrote the address, going there would only move to the
        // fragment (a sign-in redirect's `#next=…`): the page is reloaded instead.
        let _ = if is_current_page(&current, &target) {
            here.reload()
        } else {
            here.replace(&target)
        };
    }
    view! { <p class="page loading" role="status">"Loading…"</p> }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use leptos_router::location::RequestUrl;

    /// Renders `App` for `path` as the server would (without the document around it).
    fn render(path: &str) -> String {
        let owner = Owner::new();
        owner.with(|| {
            provide_context(RequestUrl::new(path));
            view! { <App/> }.to_html()
        })
    }

    #[test]
    fn every_page_renders_its_shell_on_the_server_with_controls_waiting_for_hydration() {
        let pages = [
            ("/setup", "Set up Rampart", "Create administrator"),
            ("/signin", "Sign in", "Sign in"),
            ("/signup", "Create an account", "Create account"),
            ("/reset-password", "Choose a new password", "Set password"),
            ("/account", "Account", "Change password"),
            ("/teams", "Teams", "Create team"),
            (
                "/teams/00000000-0000-0000-0000-000000000000",
                "Team",
                "Loading…",
            ),
            ("/invitations", "Your pending invitations", "Sign in to see"),
            ("/audit", "Audit log", "Search"),
            ("/admin/users", "Accounts", "Loading…"),
            ("/api", "API reference", "Loading the API description…"),
            ("/models", "Models", "Create model"),
            (
                "/models/00000000-0000-0000-0000-000000000000",
                "editor-page",
                "Loading the model…",
            ),
            (
                "/models/00000000-0000-0000-0000-000000000000/register",
                "Threat register",
                "Loading the threats…",
            ),
            (
                "/models/00000000-0000-0000-0000-000000000000/versions",
                "Versions",
                "Loading…",
            ),
        ];
        for (path, heading, control) in pages {
            let html = render(path);
            assert!(html.contains(heading), "{path}: no {heading:?} in {html}");
            assert!(html.contains(control), "{path}: no {control:?} in {html}");
            assert!(
                html.contains(r#"data-hydrated="false""#),
                "{path}: the root must say it is not hydrated yet: {html}"
            );
            // The pages' policy blocks inline styles and handlers.
            assert!(!html.contains(" style="), "{path}: inline style in {html}");
            assert!(
                !html.contains(" onclick="),
                "{path}: inline handler in {html}"
            );
            // Nothing about a user is rendered on the server.
            assert!(!html.contains("Sign out"), "{path}: {html}");
        }
    }

    /// Hydration needs the same markup from both roots where the editor's bundle is used.
    #[test]
    fn the_editor_root_renders_the_editor_page_as_the_whole_application_does() {
        let path = "/models/00000000-0000-0000-0000-000000000000";
        assert_eq!(bundle_for(path), EDITOR_OUTPUT_NAME);
        let owner = Owner::new();
        let editor = owner.with(|| {
            provide_context(RequestUrl::new(path));
            view! { <EditorApp/> }.to_html()
        });
        assert_eq!(editor, render(path));
        assert!(editor.contains("editor-page"), "{editor}");
    }

    #[test]
    fn only_a_models_editor_loads_the_editor_bundle() {
        for path in [
            "/models/0a1b",
            "/models/00000000-0000-0000-0000-000000000000",
            "/models/0a1b?tab=threats",
            "http://leptos.dev/models/0a1b",
        ] {
            assert_eq!(bundle_for(path), EDITOR_OUTPUT_NAME, "{path}");
        }
        for path in [
            "/",
            "/models",
            "/models/",
            "/models/0a1b/register",
            "/models/0a1b/versions",
            "/teams/0a1b",
            "/modelsx/0a1b",
            "http://leptos.dev/models",
            "http://leptos.dev/models/0a1b/register",
            "http://models/0a1b",
        ] {
            assert_eq!(bundle_for(path), OUTPUT_NAME, "{path}");
        }
    }

    #[test]
    fn the_address_loaded_from_the_server_keeps_the_query_and_the_fragment() {
        assert_eq!(full_path("/models", "", ""), "/models");
        assert_eq!(full_path("/audit", "page=2", ""), "/audit?page=2");
        assert_eq!(
            full_path("/signin", "", "next=%2Fmodels%2F1"),
            "/signin#next=%2Fmodels%2F1"
        );
        assert_eq!(full_path("/signin", "a=b", "#next=x"), "/signin?a=b#next=x");
        assert!(is_current_page("/signin", "/signin#next=%2Fmodels%2F1"));
        assert!(is_current_page("/audit?page=2", "/audit?page=2"));
        assert!(!is_current_page("/models/1", "/models/1/register"));
        assert!(!is_current_page("/audit", "/audit?page=2"));
    }

    #[test]
    fn inputs_and_buttons_are_disabled_until_hydrated() {
        let html = render("/signin");
        for id in ["signin-email", "signin-password"] {
            let at = html.find(&format!(r#"id="{id}""#)).expect(id);
            let tag_end = at + html[at..].find('>').unwrap();
            assert!(
                html[at..tag_end].contains("disabled"),
                "{id} is enabled: {html}"
            );
        }
        let button = html.find(r#"type="submit""#).unwrap();
        let end = button + html[button..].find('>').unwrap();
        assert!(html[button..end].contains("disabled"), "{html}");
    }
}
