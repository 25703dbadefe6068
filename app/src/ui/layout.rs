//! The frame of every page: header with navigation and language switch, main content,
//! footer with the legal links. Server-rendered only.

use crate::domain::account::UserKind;
use crate::form::FN_FIELD;
use crate::i18n::Lang;
use crate::platform::request_context;
use leptos::prelude::*;

/// The page frame.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let ctx = request_context();
    let lang = ctx.lang;
    view! {
        <a class="skip-link" href="#main">{lang.t("Aller au contenu", "Skip to content")}</a>
        <Header/>
        <main id="main" class="main">{children()}</main>
        <Footer lang=lang/>
    }
}

#[component]
fn Header() -> impl IntoView {
    let ctx = request_context();
    let lang = ctx.lang;
    let other = lang.other();
    let nav = match &ctx.user {
        None => view! {
            <a href="/connexion">{lang.t("Se connecter", "Sign in")}</a>
            <a href="/inscription">{lang.t("Créer un compte", "Create an account")}</a>
        }
        .into_any(),
        Some(user) => {
            let extra = nav_for(user.clone(), lang);
            view! {
                <a href="/mon-compte">{lang.t("Mon compte", "My account")}</a>
                {extra}
                <form method="post" action="/deconnexion" class="inline-form">
                    <input type="hidden" name=FN_FIELD value="/api/deconnexion"/>
                    <button type="submit" class="link-button">{lang.t("Se déconnecter", "Sign out")}</button>
                </form>
            }
            .into_any()
        }
    };
    view! {
        <header class="site-header">
            <div class="header-inner">
                <a href="/" class="brand" aria-label=lang.t("Sésame, accueil", "Sésame, home")>
                    <img src="/icons/logo.svg" alt="" width="28" height="28"/>
                    <span>"Sésame"</span>
                </a>
                <nav class="site-nav" aria-label=lang.t("Navigation principale", "Main navigation")>{nav}</nav>
                <form method="post" action=ctx.path.clone() class="lang-switch">
                    <input type="hidden" name=FN_FIELD value="/api/langue"/>
                    <input type="hidden" name="lang" value=other.code()/>
                    <input type="hidden" name="back" value=ctx.path.clone()/>
                    // The accessible name starts with the visible text (WCAG 2.5.3, label in name).
                    <button type="submit" lang=other.code()
                        aria-label=format!("{} — {}", other.native_name(), lang.t("afficher le site en anglais", "show the site in French"))>
                        {other.native_name()}
                    </button>
                </form>
            </div>
        </header>
    }
}

/// Extra navigation entries by kind of account: the pages a professional's rights open and,
/// for approvers, the approval page with the number of requests waiting; the back-office
/// for support.
fn nav_for(user: crate::platform::session::CurrentUser, lang: Lang) -> impl IntoView {
    Suspend::new(async move {
        let Ok(state) = crate::platform::app_state() else { return ().into_any() };
        match user.kind {
            UserKind::Professional => {
                let access = crate::professional::service::access_of(&state.db, user.id).await.ok().flatten();
                let structures =
                    crate::professional::service::approver_structures(&state.db, user.id).await.unwrap_or_default();
                let waiting = if structures.is_empty() {
                    0
                } else {
                    crate::approval::requests::pending_for(&state.db, &structures).await.unwrap_or(0)
                };
                let rights = access.map(|a| a.rights).unwrap_or_default();
                view! {
                    {rights.results.then(|| view! { <a href="/resultats">{lang.t("Résultats", "Results")}</a> })}
                    {rights.invoices.then(|| view! { <a href="/factures">{lang.t("Factures", "Invoices")}</a> })}
                    {(!structures.is_empty()).then(|| view! {
                        <a href="/approbation-des-comptes">
                            {lang.t("Approbation des comptes", "Account approval")}
                            {(waiting > 0).then(|| view! {
                                <span class="badge-count" aria-label=match lang { Lang::Fr => format!("{waiting} en attente"), Lang::En => format!("{waiting} waiting") }>{waiting}</span>
                            })}
                        </a>
                    })}
                }
                .into_any()
            }
            UserKind::Support => {
                let checks = crate::lab_review::flows::waiting_count(&state.db).await.unwrap_or(0);
                view! {
                <a href="/support/demandes">{lang.t("Demandes", "Requests")}</a>
                <a href="/support/verifications">
                    {lang.t("Vérifications", "Identity checks")}
                    {(checks > 0).then(|| view! {
                        <span class="badge-count" aria-label=match lang { Lang::Fr => format!("{checks} en attente"), Lang::En => format!("{checks} waiting") }>{checks}</span>
                    })}
                </a>
                <a href="/support/structures">{lang.t("Structures", "Structures")}</a>
                <a href="/admin/utilisateurs">{lang.t("Utilisateurs", "Users")}</a>
                }
                .into_any()
            }
            UserKind::Patient => ().into_any(),
        }
    })
}

#[component]
fn Footer(lang: Lang) -> impl IntoView {
    view! {
        <footer class="site-footer">
            <nav aria-label=lang.t("Informations légales", "Legal information")>
                <a href="/mentions-legales">{lang.t("Mentions légales", "Legal notice")}</a>
                <a href="/confidentialite">{lang.t("Confidentialité", "Privacy notice")}</a>
                <a href="/conditions-utilisation">{lang.t("Conditions d'utilisation", "Terms of use")}</a>
            </nav>
            <p>{lang.t(
                "Sésame n'utilise que des cookies strictement nécessaires : aucun suivi, aucune publicité.",
                "Sésame only uses strictly necessary cookies: no tracking, no advertising.",
            )}</p>
        </footer>
    }
}
