//! The editor's wasm entry point. `scripts/build-editor-bundle` builds this crate to
//! `pkg/rampart-editor.wasm`, which a model's editor page loads instead of the whole
//! application (see `app::bundle_for`): the linker leaves out every page but the editor.

use wasm_bindgen::prelude::wasm_bindgen;

/// Attaches the editor to the HTML the server rendered for a model's editor page.
#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::EditorApp);
}
