//! What a person put into a server-rendered form before its island ran.
//!
//! Forms work before the WebAssembly arrives, so on a slow phone people type, tick and choose
//! in the server's HTML first. Hydration takes the server's markup as it is — it does not
//! compare — and sets every `prop:` to the island's state, so an island that ignored the page
//! would disagree with it: a typed code wiped out by `prop:value`, a ticked box unticked by
//! `prop:checked`, a password judged empty when the person moves on (the message appearing
//! shifts the page under their next tap), the names of a child's record hidden because the
//! island still believes "my own record" is chosen. So an island reads its inputs here when it
//! starts (before hydration touches them), starts from the server's values like the markup,
//! and takes what the page held once hydrated ([`restore`]): whatever shows the state then
//! follows, like after any change.
//!
//! Hand-written on two DOM calls rather than a helper crate: this runs in the browser build,
//! where every byte is downloaded.

use leptos::prelude::*;

/// Gives `signal` the value `typed` (read from the page when the island started) once the
/// island is hydrated, if it differs from the signal's; says whether it did.
pub fn restore<T>(signal: RwSignal<T>, typed: T) -> bool
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    let changed = signal.with_untracked(|v| *v != typed);
    if changed {
        // Effects run once the island's markup is hydrated.
        Effect::new(move |_| signal.set(typed.clone()));
    }
    changed
}

/// The value of the field `id` (an input or a select) as the page holds it when the island
/// starts; `initial` (what the server rendered) on the server, or when there is no such field.
pub fn value(id: &str, initial: String) -> String {
    #[cfg(feature = "hydrate")]
    {
        property(id, "value").and_then(|v| v.as_string()).unwrap_or(initial)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = id;
        initial
    }
}

/// Whether the checkbox `id` is ticked when the island starts; `initial` on the server.
pub fn checked(id: &str, initial: bool) -> bool {
    #[cfg(feature = "hydrate")]
    {
        property(id, "checked").and_then(|v| v.as_bool()).unwrap_or(initial)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = id;
        initial
    }
}

/// The value of the chosen radio button of the group `name` when the island starts (empty
/// when none is chosen); `initial` on the server.
pub fn chosen(name: &str, initial: String) -> String {
    #[cfg(feature = "hydrate")]
    {
        // Pushed rather than `format!`ted: no formatting machinery for one selector.
        let mut selector = String::from("input[type=radio][name=");
        selector.push_str(name);
        selector.push_str("]:checked");
        match leptos::prelude::document().query_selector(&selector) {
            Ok(Some(radio)) => read(&radio, "value").and_then(|v| v.as_string()).unwrap_or(initial),
            Ok(None) => String::new(),
            Err(_) => initial,
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = name;
        initial
    }
}

/// A DOM property of the element `id` (read by name: one call for inputs and selects alike).
#[cfg(feature = "hydrate")]
fn property(id: &str, name: &str) -> Option<wasm_bindgen::JsValue> {
    read(&leptos::prelude::document().get_element_by_id(id)?, name)
}

#[cfg(feature = "hydrate")]
fn read(element: &web_sys::Element, name: &str) -> Option<wasm_bindgen::JsValue> {
    web_sys::js_sys::Reflect::get(element, &wasm_bindgen::JsValue::from_str(name)).ok().filter(|v| !v.is_undefined())
}
