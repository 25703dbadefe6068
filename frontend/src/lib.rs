//! The WebAssembly entry point: hydrates the interactive islands of server-rendered pages.

// Link the app crate so that its islands are exported to JavaScript.
use sesame_app as _;

/// Called by the hydration script once the WebAssembly module is loaded.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
