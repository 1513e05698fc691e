//! The start page: what Rampart is, and a DREAD scorer to try.

use crate::components::DreadScorer;
use crate::erase::Erase;
use leptos::prelude::*;
use leptos_meta::Title;

/// The landing page at `/`.
#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text=""/>
        <section class="page hero">
            <h1>"Rampart"</h1>
            <p class="lead">
                "Threat modelling for cloud-native architectures. Draw your VPCs, gateways, "
                "load balancers, clusters and services; Rampart attaches STRIDE threats, "
                "mitigations and DREAD risk scores to every element and data flow, shows where "
                "the layers of defence are thin, and carries the model through review to an "
                "architect's sign-off and an exported threat register."
            </p>
            <ul class="pillars">
                <li>
                    <strong>"STRIDE"</strong>
                    " threats for every element and flow, plus rules for the cloud and Kubernetes"
                </li>
                <li>
                    <strong>"DREAD"</strong>
                    " risk scores, adjusted for exposure, with residual risk after mitigation"
                </li>
                <li>
                    <strong>"Defence in depth"</strong>
                    " paths from every entry point to every asset, layer by layer"
                </li>
            </ul>
        </section>
        <DreadScorer/>
    }
    .erase()
}
