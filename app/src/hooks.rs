//! What most pages do the same way: know when they are hydrated, read a parameter from the
//! address's fragment, and send the person to sign in when the API answers 401.

use crate::api::{use_session, ApiError, Viewer};
use crate::browser::{fragment_param, signin_href};
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;

/// `false` during the server's render and until hydration has attached the handlers, `true`
/// from then on. Pages keep their controls disabled until then and put the value in
/// `data-hydrated` on their root (end-to-end tests wait for `"true"`).
pub fn use_hydrated() -> ReadSignal<bool> {
    let (hydrated, set_hydrated) = signal(false);
    // Effects run only in the browser, after hydration.
    Effect::new(move |_| set_hydrated.set(true));
    hydrated
}

/// The address's fragment (without `#`) once the browser has read it: `None` during the
/// server's render (the server never sees the fragment) and until hydration, `Some` from then
/// on, following the router's location.
///
/// Only this page's own path counts: while the router leaves the page for another, the
/// location already shows the next page's fragment, which must not reach this page's effects
/// (an invitation page that lost its token would send the person to sign in, again and again).
pub fn use_fragment() -> ReadSignal<Option<String>> {
    let (value, set_value) = signal(None::<String>);
    let location = use_location();
    let own_path = location.pathname.get_untracked();
    Effect::new(move |_| {
        let (path, hash) = (location.pathname.get(), location.hash.get());
        if path == own_path {
            set_value.set(Some(hash.trim_start_matches('#').to_string()));
        }
    });
    value
}

/// A parameter of the fragment (`#token=…`), once the browser has read it.
pub fn use_fragment_param(key: &'static str) -> Signal<Option<String>> {
    let fragment = use_fragment();
    Signal::derive(move || fragment.with(|f| f.as_deref().and_then(|f| fragment_param(f, key))))
}

/// A function that, given an error, sends the person to sign in (and back here afterwards) when
/// the error is a 401, returning whether it did.
pub fn use_signin_redirect() -> impl Fn(&ApiError) -> bool + Clone + 'static {
    let navigate = use_navigate();
    let session = use_session();
    let location = use_location();
    move |err: &ApiError| {
        if !err.is_unauthenticated() {
            return false;
        }
        session.viewer.set(Viewer::SignedOut);
        if location.pathname.get_untracked() == "/signin" {
            return true;
        }
        navigate(
            &signin_href(&here_from(&location)),
            NavigateOptions {
                replace: true,
                ..Default::default()
            },
        );
        true
    }
}

/// This page's path and fragment, to come back to after signing in.
fn here_from(location: &leptos_router::location::Location) -> String {
    let path = location.pathname.get_untracked();
    let hash = location.hash.get_untracked();
    let hash = hash.trim_start_matches('#');
    if hash.is_empty() {
        path
    } else {
        format!("{path}#{hash}")
    }
}

/// Sends the person to sign in when `resource` fails with a 401.
pub fn redirect_on_401<T: 'static>(resource: LocalResource<Result<T, ApiError>>) {
    let redirect = use_signin_redirect();
    Effect::new(move |_| {
        let err = resource.with(|r| match r {
            Some(Err(err)) => Some(err.clone()),
            _ => None,
        });
        if let Some(err) = err {
            redirect(&err);
        }
    });
}

/// A function that shows an error in a form's error signal, or, for a 401, sends the person to
/// sign in instead.
pub fn use_error_report() -> impl Fn(RwSignal<Option<ApiError>>, ApiError) + Clone + 'static {
    let redirect = use_signin_redirect();
    move |target: RwSignal<Option<ApiError>>, err: ApiError| {
        if !redirect(&err) {
            target.set(Some(err));
        }
    }
}
