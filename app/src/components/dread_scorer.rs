//! An interactive DREAD calculator: five sliders and the resulting risk and severity, computed
//! in the browser by the same `analysis` code the server uses.

use analysis::{Dread, Severity};
use leptos::prelude::*;

/// The five DREAD factors: input id, label and the question each one answers.
const FACTORS: [(&str, &str, &str); 5] = [
    ("damage", "Damage", "How bad would an attack be?"),
    (
        "reproducibility",
        "Reproducibility",
        "How easy is it to reproduce?",
    ),
    (
        "exploitability",
        "Exploitability",
        "How little work does it take to launch?",
    ),
    (
        "affected-users",
        "Affected users",
        "How many people would be hit?",
    ),
    (
        "discoverability",
        "Discoverability",
        "How easy is it to find?",
    ),
];

/// The value every slider starts at.
const START: u8 = 5;

/// A DREAD calculator. Its inputs stay disabled until the page is hydrated, and the section
/// carries `data-hydrated="true"` from then on (end-to-end tests wait for it).
#[component]
pub fn DreadScorer() -> impl IntoView {
    let hydrated = RwSignal::new(false);
    // Effects run only in the browser, so this flips once hydration has attached the handlers.
    Effect::new(move |_| hydrated.set(true));

    let values: [RwSignal<u8>; 5] = std::array::from_fn(|_| RwSignal::new(START));
    let score = Memo::new(move |_| {
        let [d, r, e, a, di] = values.map(|v| v.get());
        Dread::new(d, r, e, a, di)
    });
    let reset = move |_| values.iter().for_each(|v| v.set(START));

    let sliders = FACTORS
        .iter()
        .zip(values)
        .map(|(&(id, label, question), value)| {
            let input_id = format!("dread-{id}");
            let hint_id = format!("dread-{id}-hint");
            view! {
                <div class="factor">
                    <label for=input_id.clone()>{label}</label>
                    <input
                        id=input_id
                        type="range"
                        min="0"
                        max="10"
                        step="1"
                        aria-describedby=hint_id.clone()
                        prop:value=move || value.get().to_string()
                        disabled=move || !hydrated.get()
                        on:input=move |ev| {
                            if let Ok(v) = event_target_value(&ev).parse::<u8>() {
                                value.set(v.min(analysis::dread::MAX_FACTOR));
                            }
                        }
                    />
                    <output class="factor-value">{move || value.get()}</output>
                    <small id=hint_id class="hint">
                        {question}
                    </small>
                </div>
            }
        })
        .collect_view();

    view! {
        <section
            class="page scorer"
            aria-labelledby="scorer-title"
            data-hydrated=move || hydrated.get().to_string()
        >
            <h2 id="scorer-title">"Score a threat"</h2>
            <p>
                "Rate each DREAD factor from 0 to 10. The risk is their mean; its band decides "
                "the severity (low under 4, medium under 6, high under 8, critical from 8)."
            </p>
            <div class="factors">{sliders}</div>
            <p class="verdict" aria-live="polite">
                "Risk "
                <strong id="dread-risk">{move || format!("{:.1}", score.get().risk())}</strong>
                " "
                <span
                    id="dread-severity"
                    class=move || format!("severity {}", score.get().severity())
                >
                    {move || severity_label(score.get().severity())}
                </span>
            </p>
            <button type="button" class="secondary" on:click=reset disabled=move || !hydrated.get()>
                "Reset"
            </button>
        </section>
    }
}

fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Low => "Low",
        Severity::Medium => "Medium",
        Severity::High => "High",
        Severity::Critical => "Critical",
    }
}
