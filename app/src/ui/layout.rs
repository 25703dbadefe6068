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
    let acting = ctx.acting.clone();
    let menu_acting = acting.clone();
    let menu = Suspend::new(async move {
        let (links, waiting) = match &user {
            None => (
                vec![
                    ("/connexion".to_string(), lang.t("Se connecter", "Sign in").to_string(), 0),
                    ("/inscription".to_string(), lang.t("Créer un compte", "Create an account").to_string(), 0),
                ],
                0,
            ),
            Some(user) => nav_for(user.clone(), menu_acting.as_ref(), lang).await,
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
                <AccountSwitcher/>
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
            {acting.map(|a| view! {
                // Always in sight while switched: which account is acting, and the way back.
                <div class="acting-banner" role="status">
                    <p>{match lang {
                        Lang::Fr => format!("Vous agissez pour le compte partagé « {} » ({}).", a.description, a.email),
                        Lang::En => format!("You are acting for the shared account “{}” ({}).", a.description, a.email),
                    }}</p>
                    <crate::shared_accounts::pages::SwitchBackForm lang=lang page=ctx.path.clone()/>
                </div>
            })}
        </header>
    }
}

/// The account switcher of a professional who belongs to shared accounts: their name (or
/// the shared account acting) → **Changer de compte** → the other accounts, each one click
/// (a POST). A `<details>`: it opens without JavaScript.
#[component]
fn AccountSwitcher() -> impl IntoView {
    let ctx = request_context();
    let lang = ctx.lang;
    Suspend::new(async move {
        let user = ctx.user.clone().filter(|u| u.kind == UserKind::Professional)?;
        let state = crate::platform::app_state().ok()?;
        let memberships = crate::shared_accounts::store::memberships(&state.db, user.id).await.ok()?;
        let memberships: Vec<_> =
            memberships.into_iter().filter(|m| m.status == crate::domain::account::AccountStatus::Active).collect();
        if memberships.is_empty() && ctx.acting.is_none() {
            return None;
        }
        let current = ctx.acting.as_ref().map(|a| a.account.id);
        let current_label = ctx.acting.as_ref().map(|a| a.description.clone()).unwrap_or_else(|| user.display_name());
        let page = ctx.path.clone();
        let fn_path = "/api/changer-de-compte";
        let button = move |account: String, label: String, detail: String| {
            view! {
                <li>
                    <form method="post" action=page.clone() class="inline-form">
                        <input type="hidden" name=FN_FIELD value=fn_path/>
                        <input type="hidden" name="account" value=account/>
                        <button type="submit" class="link-button">{label}<span class="meta">{detail}</span></button>
                    </form>
                </li>
            }
        };
        Some(view! {
            <details class="account-menu">
                <summary>{current_label}</summary>
                <div class="account-menu-panel">
                    <p class="menu-title">{lang.t("Changer de compte", "Switch account")}</p>
                    <ul>
                        {current.is_some().then(|| button(String::new(), user.display_name(), lang.t(" — compte individuel", " — individual account").to_string()))}
                        {memberships.into_iter().filter(|m| Some(m.account_id) != current).map(|m| {
                            button(m.account_id.to_string(), m.description, format!(" — {}", m.email))
                        }).collect_view()}
                    </ul>
                    <p><a href="/comptes-partages">{lang.t("Gérer mes comptes partagés", "Manage my shared accounts")}</a></p>
                </div>
            </details>
        })
    })
}

/// The navigation entries of a signed-in person, (path, label, waiting count), and the
/// total waiting (shown on the folded menu): the pages a professional's rights open and,
/// for approvers, the approval page with the number of requests waiting; the back-office
/// for support, with the identity checks waiting.
async fn nav_for(
    user: crate::platform::session::CurrentUser,
    acting: Option<&crate::platform::context::ActingFor>,
    lang: Lang,
) -> (Vec<(String, String, i64)>, i64) {
    let Ok(state) = crate::platform::app_state() else { return (Vec::new(), 0) };
    // While switched, the shared account's areas only (its rights), and the directory.
    if let Some(a) = acting {
        let mut links = Vec::new();
        let rights = crate::professional::store::access_of(&state.db, a.account.id)
            .await
            .ok()
            .flatten()
            .map(|a| a.rights)
            .unwrap_or_default();
        if rights.results {
            links.push(("/resultats".into(), lang.t("Résultats", "Results").into(), 0));
        }
        if rights.invoices {
            links.push(("/factures".into(), lang.t("Factures", "Invoices").into(), 0));
        }
        links.push(("/annuaire".into(), lang.t("Annuaire", "Directory").into(), 0));
        return (links, 0);
    }
    let mut links = vec![("/mon-compte".to_string(), lang.t("Mon compte", "My account").to_string(), 0)];
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
            links.push(("/comptes-partages".into(), lang.t("Comptes partagés", "Shared accounts").into(), 0));
        }
        UserKind::Shared => {}
        UserKind::Support => {
            waiting = crate::lab_review::flows::waiting_count(&state.db).await.unwrap_or(0);
            links.push(("/support/demandes".into(), lang.t("Demandes", "Requests").into(), 0));
            links.push(("/support/messages".into(), lang.t("Messages", "Messages").into(), 0));
            links.push(("/support/dossiers".into(), lang.t("Dossiers", "Records").into(), 0));
            links.push(("/support/verifications".into(), lang.t("Vérifications", "Identity checks").into(), waiting));
            links.push(("/support/structures".into(), lang.t("Structures", "Structures").into(), 0));
            links.push(("/support/documents".into(), lang.t("Documents", "Documents").into(), 0));
            links.push(("/admin/utilisateurs".into(), lang.t("Utilisateurs", "Users").into(), 0));
        }
        UserKind::FrontDesk => {
            links.push(("/support/dossiers".into(), lang.t("Dossiers", "Records").into(), 0));
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
                <a href="/aide">{lang.t("Aide", "Help")}</a>
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
