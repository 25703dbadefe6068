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
            let extra = nav_for(user.kind, user.is_admin, lang);
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
                    <button type="submit" lang=other.code() aria-label=lang.t("Afficher le site en anglais", "Show the site in French")>
                        {other.native_name()}
                    </button>
                </form>
            </div>
        </header>
    }
}

/// Extra navigation entries by kind of account (filled in as capabilities arrive).
fn nav_for(kind: UserKind, is_admin: bool, lang: Lang) -> impl IntoView {
    let _ = (kind, is_admin, lang);
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
