//! The bar at the top of every page: who is signed in, the links they can use, and Sign out;
//! or a Sign in link. The link to the API reference is there for everyone. Nothing about the
//! user is rendered on the server (the browser asks `GET /me` after hydration), so the
//! server's HTML and the first hydrated view agree.

use crate::api::{use_api, use_session, ApiError, Viewer};
use crate::erase::Erase;
use crate::hooks::use_hydrated;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};

/// The top bar.
#[component]
pub fn TopBar() -> impl IntoView {
    let api = use_api();
    let session = use_session();
    let hydrated = use_hydrated();
    let navigate = use_navigate();
    let error = RwSignal::new(None::<String>);

    let sign_out =
        Action::new_local(move |_: &()| async move { api.post_empty::<()>("/auth/signout").await });
    Effect::new(move |_| {
        let Some(result) = sign_out.value().get() else {
            return;
        };
        match result {
            // A 401 means the session had already ended: the person is signed out either way.
            Ok(()) | Err(ApiError { status: 401, .. }) => {
                api.forget_csrf();
                error.set(None);
                session.viewer.set(Viewer::SignedOut);
                navigate("/signin", Default::default());
            }
            Err(err) => error.set(Some(err.to_string())),
        }
    });

    let user_part = move || match session.viewer.get() {
        Viewer::Unknown => ().erase(),
        Viewer::SignedOut => view! {
            <a class="topbar-action" href="/signin">
                "Sign in"
            </a>
        }
        .erase(),
        Viewer::SignedIn(user) => view! {
            <span class="who" data-testid="signed-in-as">
                <span class="visually-hidden">"Signed in as "</span>
                {user.name.clone()}
            </span>
            <button
                type="button"
                class="topbar-action"
                on:click=move |_| {
                    sign_out.dispatch(());
                }
                disabled=move || !hydrated.get() || sign_out.pending().get()
            >
                {move || if sign_out.pending().get() { "Signing out…" } else { "Sign out" }}
            </button>
        }
        .erase(),
    };

    // The links for signed-in people; the API reference is public.
    let member_links = move || {
        session.user().map(|user| {
            view! {
                {nav_link("/models", "Models")}
                {nav_link("/teams", "Teams")}
                {nav_link("/account", "Account")}
                {nav_link("/audit", "Audit")}
                {user.is_admin.then(|| nav_link("/admin/users", "Admin"))}
            }
        })
    };

    view! {
        <header class="topbar">
            <a class="brand" href="/">
                "Rampart"
            </a>
            <div class="topbar-user">
                <nav class="topnav" aria-label="Main">
                    {member_links}
                    {nav_link("/api", "API")}
                </nav>
                <ThemeToggle/>
                {user_part}
                <span class="topbar-error" role="alert">
                    {move || error.get().unwrap_or_default()}
                </span>
            </div>
        </header>
    }
    .erase()
}

/// Light or dark, remembered in this browser (`localStorage`); until chosen, the system's
/// preference decides (the stylesheet's `prefers-color-scheme`).
#[component]
fn ThemeToggle() -> impl IntoView {
    let dark = RwSignal::new(None::<bool>);
    Effect::new(move |_| dark.set(Some(theme::current_is_dark())));
    let toggle = move |_| {
        let next = !dark.get_untracked().unwrap_or(false);
        theme::apply(next, true);
        dark.set(Some(next));
    };
    view! {
        <button
            type="button"
            class="topbar-action theme-toggle"
            aria-label=move || if dark.get() == Some(true) { "Switch to the light theme" } else { "Switch to the dark theme" }
            aria-pressed=move || (dark.get() == Some(true)).to_string()
            disabled=move || dark.get().is_none()
            on:click=toggle
        >
            {move || if dark.get() == Some(true) { "☀" } else { "☾" }}
        </button>
    }
    .erase()
}

#[cfg(feature = "hydrate")]
mod theme {
    const KEY: &str = "rampart-theme";

    fn root() -> Option<web_sys::Element> {
        web_sys::window()?.document()?.document_element()
    }

    /// Applies the stored choice (if any) and says whether the page is dark now.
    pub fn current_is_dark() -> bool {
        let window = web_sys::window();
        let stored = window
            .as_ref()
            .and_then(|w| w.local_storage().ok().flatten())
            .and_then(|s| s.get_item(KEY).ok().flatten());
        match stored.as_deref() {
            Some("dark") => {
                apply(true, false);
                true
            }
            Some("light") => {
                apply(false, false);
                false
            }
            _ => window
                .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
                .is_some_and(|m| m.matches()),
        }
    }

    pub fn apply(dark: bool, remember: bool) {
        let value = if dark { "dark" } else { "light" };
        if let Some(root) = root() {
            let _ = root.set_attribute("data-theme", value);
        }
        if remember {
            if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten())
            {
                let _ = storage.set_item(KEY, value);
            }
        }
    }
}

#[cfg(not(feature = "hydrate"))]
mod theme {
    pub fn current_is_dark() -> bool {
        false
    }

    pub fn apply(_dark: bool, _remember: bool) {}
}

/// Whether a link to `href` leads to the page at `path` or to one under it.
pub fn is_current(href: &str, path: &str) -> bool {
    path.strip_prefix(href)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// A link of the top bar, marked `aria-current="page"` on its page and those under it. (A plain
/// `<a>`: the router follows it in the page all the same.)
fn nav_link(href: &'static str, label: &'static str) -> impl IntoView {
    let location = use_location();
    let current = move || {
        location
            .pathname
            .with(|path| is_current(href, path))
            .then_some("page")
    };
    view! { <a href=href aria-current=current>{label}</a> }
}

#[cfg(test)]
mod tests {
    use super::is_current;

    #[test]
    fn a_link_is_current_on_its_page_and_those_under_it() {
        assert!(is_current("/models", "/models"));
        assert!(is_current("/models", "/models/abc/register"));
        assert!(!is_current("/models", "/modelsx"));
        assert!(!is_current("/api", "/"));
        assert!(!is_current("/teams", "/account"));
    }
}
