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
    let current = ctx.path.split('?').next().unwrap_or_default().to_string();
    let user = ctx.user.clone();
    let menu = Suspend::new(async move {
        let (links, waiting) = match &user {
            None => (
                vec![
                    ("/connexion".to_string(), lang.t("Se connecter", "Sign in").to_string(), 0),
                    ("/inscription".to_string(), lang.t("Créer un compte", "Create an account").to_string(), 0),
                ],
                0,
            ),
            Some(user) => nav_for(user.clone(), lang).await,
        };
        let signed_in = user.is_some();
        view! {
            // Folded behind "Menu" on a phone (a <details>: it opens without JavaScript), laid
            // out in a row from tablet width; what waits stays visible on the button.
            <details class="site-menu">
                <summary>
                    <span>{lang.t("Menu", "Menu")}</span>
                    {(waiting > 0).then(|| view! {
                        <span class="badge-count" aria-label=match lang { Lang::Fr => format!("{waiting} en attente"), Lang::En => format!("{waiting} waiting") }>{waiting}</span>
                    })}
                </summary>
                <nav class="site-nav" aria-label=lang.t("Navigation principale", "Main navigation")>
                    {links.into_iter().map(|(href, label, badge)| {
                        let here = href == current;
                        view! {
                            <a href=href aria-current=here.then_some("page")>
                                {label}
                                {(badge > 0).then(|| view! {
                                    <span class="badge-count" aria-label=match lang { Lang::Fr => format!("{badge} en attente"), Lang::En => format!("{badge} waiting") }>{badge}</span>
                                })}
                            </a>
                        }
                    }).collect_view()}
                    {signed_in.then(|| view! {
                        <form method="post" action="/deconnexion" class="inline-form">
                            <input type="hidden" name=FN_FIELD value="/api/deconnexion"/>
                            <button type="submit" class="link-button">{lang.t("Se déconnecter", "Sign out")}</button>
                        </form>
                    })}
                </nav>
            </details>
        }
    });
    view! {
        <header class="site-header">
            <div class="header-inner">
                <a href="/" class="brand" aria-label=lang.t("Sésame, accueil", "Sésame, home")>
                    <img src="/icons/logo.svg" alt="" width="28" height="28"/>
                    <span>"Sésame"</span>
                </a>
                {menu}
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

/// The navigation entries of a signed-in person, (path, label, waiting count), and the
/// total waiting (shown on the folded menu): the pages a professional's rights open and,
/// for approvers, the approval page with the number of requests waiting; the back-office
/// for support, with the identity checks waiting.
async fn nav_for(user: crate::platform::session::CurrentUser, lang: Lang) -> (Vec<(String, String, i64)>, i64) {
    let mut links = vec![("/mon-compte".to_string(), lang.t("Mon compte", "My account").to_string(), 0)];
    let Ok(state) = crate::platform::app_state() else { return (links, 0) };
    let mut waiting = 0;
    match user.kind {
        UserKind::Professional => {
            let access = crate::professional::store::access_of(&state.db, user.id).await.ok().flatten();
            let structures =
                crate::professional::store::approver_structures(&state.db, user.id).await.unwrap_or_default();
            if !structures.is_empty() {
                waiting = crate::access_request::store::pending_for(&state.db, &structures).await.unwrap_or(0);
            }
            let rights = access.map(|a| a.rights).unwrap_or_default();
            if rights.results {
                links.push(("/resultats".into(), lang.t("Résultats", "Results").into(), 0));
            }
            if rights.invoices {
                links.push(("/factures".into(), lang.t("Factures", "Invoices").into(), 0));
            }
            if !structures.is_empty() {
                links.push((
                    "/approbation-des-comptes".into(),
                    lang.t("Approbation des comptes", "Account approval").into(),
                    waiting,
                ));
            }
        }
        UserKind::Support => {
            waiting = crate::lab_review::flows::waiting_count(&state.db).await.unwrap_or(0);
            links.push(("/support/demandes".into(), lang.t("Demandes", "Requests").into(), 0));
            links.push(("/support/verifications".into(), lang.t("Vérifications", "Identity checks").into(), waiting));
            links.push(("/support/structures".into(), lang.t("Structures", "Structures").into(), 0));
            links.push(("/support/documents".into(), lang.t("Documents", "Documents").into(), 0));
            links.push(("/admin/utilisateurs".into(), lang.t("Utilisateurs", "Users").into(), 0));
        }
        UserKind::Patient => {
            links.push(("/mes-resultats".into(), lang.t("Mes résultats", "My results").into(), 0));
        }
    }
    (links, waiting)
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
