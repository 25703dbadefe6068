//! The parts of `/mon-compte` for professionals and support (filled in by their journeys).

use crate::i18n::Lang;
use crate::platform::session::CurrentUser;
use leptos::prelude::*;

/// Sections shown to a professional or a support agent.
pub fn sections(user: &CurrentUser, lang: Lang) -> AnyView {
    let _ = user;
    view! { <section class="panel"><p>{lang.t("Bienvenue sur Sésame.", "Welcome to Sésame.")}</p></section> }.into_any()
}
