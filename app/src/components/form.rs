//! The pieces every form shares: the error line, the submit button with its busy state, and a
//! read-only field with a Copy button for secrets shown once (tokens, links).

use crate::api::ApiError;
use crate::browser::copy_text;
use leptos::prelude::*;

/// The form's error, announced to screen readers (`role="alert"`); empty when there is none.
#[component]
pub fn FormError(
    /// The message to show, already a sentence.
    #[prop(into)]
    message: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <p class="form-error" role="alert">
            {move || message.get().unwrap_or_default()}
        </p>
    }
}

/// A submit button that is disabled until the page is hydrated and while the request is in
/// flight, when it reads `busy_label` ("Saving…").
#[component]
pub fn Submit(
    /// The label at rest.
    label: &'static str,
    /// The label while the request is in flight.
    busy_label: &'static str,
    /// True while the request is in flight.
    #[prop(into)]
    pending: Signal<bool>,
    /// True once hydrated.
    #[prop(into)]
    hydrated: Signal<bool>,
    /// Further reasons to disable the button (nothing to send yet, a wait after 429).
    #[prop(into, optional)]
    blocked: Signal<bool>,
    /// Extra classes.
    #[prop(optional)]
    class: &'static str,
) -> impl IntoView {
    view! {
        <button
            type="submit"
            class=class
            disabled=move || !hydrated.get() || pending.get() || blocked.get()
            aria-busy=move || pending.get().to_string()
        >
            {move || if pending.get() { busy_label } else { label }}
        </button>
    }
}

/// A secret or link shown once: a read-only field to select, and a button that copies it.
#[component]
pub fn CopyField(
    /// The field's id (labels point at it).
    id: &'static str,
    /// The field's label.
    label: &'static str,
    /// What to show and copy.
    value: String,
    /// True once hydrated.
    #[prop(into)]
    hydrated: Signal<bool>,
) -> impl IntoView {
    let status = RwSignal::new(String::new());
    let text = StoredValue::new(value.clone());
    let copy = move |_| {
        let text = text.get_value();
        leptos::task::spawn_local(async move {
            let done = copy_text(&text).await;
            status.set(if done {
                "Copied.".to_string()
            } else {
                "Copying was refused by the browser; select the text and copy it.".to_string()
            });
        });
    };
    view! {
        <div class="copy-field">
            <label for=id>{label}</label>
            <div class="copy-row">
                <input id=id type="text" readonly value=value class="mono"/>
                <button
                    type="button"
                    class="secondary"
                    on:click=copy
                    disabled=move || !hydrated.get()
                >
                    "Copy"
                </button>
            </div>
            <span class="hint" role="status">
                {move || status.get()}
            </span>
        </div>
    }
}

/// The sentence to show for a form's last error.
pub fn error_message(error: RwSignal<Option<ApiError>>) -> Signal<Option<String>> {
    Signal::derive(move || error.with(|e| e.as_ref().map(ToString::to_string)))
}

/// `aria-invalid` for an input: `"true"` when the last error named `field`.
pub fn invalid(
    error: RwSignal<Option<ApiError>>,
    field: &'static str,
) -> impl Fn() -> &'static str {
    move || {
        let named = error.with(|e| {
            e.as_ref()
                .and_then(|e| e.field.as_deref())
                .is_some_and(|f| f == field)
        });
        if named {
            "true"
        } else {
            "false"
        }
    }
}
