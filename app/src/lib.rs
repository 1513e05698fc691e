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
