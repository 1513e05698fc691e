//! The wasm entry point. cargo-leptos builds this crate to `pkg/rampart.wasm`; the page's
//! hydration script calls [`hydrate`] once the module has loaded.

use wasm_bindgen::prelude::wasm_bindgen;

/// Attaches the reactive application to the HTML the server rendered.
#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
