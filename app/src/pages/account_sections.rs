//! The parts of `/mon-compte` for professionals and support.

use crate::domain::account::UserKind;
use crate::i18n::Lang;
use crate::platform::session::CurrentUser;
use leptos::prelude::*;

/// Sections shown to a professional or a support agent.
pub fn sections(user: &CurrentUser, lang: Lang) -> AnyView {
    match user.kind {
        UserKind::Professional => view! { <crate::professional::pages::ProfessionalHome user=user.clone() lang=lang/> }.into_any(),
        _ => view! {
            <section class="panel">
                <div class="doors">
                    <a class="button" href="/support/demandes">{lang.t("Demandes à valider", "Requests to validate")}</a>
                    <a class="button button-secondary" href="/support/verifications">{lang.t("Vérifications d'identité", "Identity checks")}</a>
                    <a class="button button-secondary" href="/support/structures">{lang.t("Structures", "Structures")}</a>
                </div>
            </section>
        }
        .into_any(),
    }
}
