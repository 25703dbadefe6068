//! Error pages with the right HTTP status.

use crate::i18n::Lang;
use leptos::prelude::*;
use leptos_meta::Title;

/// Sets the HTTP status of the page being rendered.
pub fn set_status(code: u16) {
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::from_u16(code).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR));
    }
}

/// 404: the page does not exist. Offers the ways forward.
#[component]
pub fn NotFound(
    /// Interface language.
    lang: Lang,
) -> impl IntoView {
    set_status(404);
    view! {
        <Title text=lang.t("Page introuvable", "Page not found")/>
        <section class="panel">
            <h1>{lang.t("Page introuvable", "Page not found")}</h1>
            <p>{lang.t(
                "L'adresse demandée n'existe pas ou plus. Elle a peut-être été mal recopiée.",
                "The address you asked for does not exist (any more). It may have been mistyped.",
            )}</p>
            <ul class="choices">
                <li><a href="/">{lang.t("Revenir à l'accueil", "Back to the home page")}</a></li>
                <li><a href="/connexion">{lang.t("Se connecter", "Sign in")}</a></li>
            </ul>
        </section>
    }
}

/// A page-level error: the person is told what to do, the details stay in the server log.
#[component]
pub fn ErrorPage(
    /// Interface language.
    lang: Lang,
    /// What went wrong.
    error: crate::error::AppError,
) -> impl IntoView {
    let ctx = crate::platform::request_context();
    // "Sign in" becomes "your session expired" only for someone whose session did expire.
    let error = if error == crate::error::AppError::SignInRequired { ctx.sign_in_error() } else { error };
    set_status(error.status());
    if error == crate::error::AppError::PasswordRequired {
        return view! {
            <Title text=lang.t("Confirmez votre mot de passe", "Confirm your password")/>
            <crate::accounts::pages::ConfirmPasswordForm lang=lang next=ctx.path.clone()/>
        }
        .into_any();
    }
    let title = match error {
        crate::error::AppError::SignInRequired => lang.t("Connexion nécessaire", "Sign-in required"),
        crate::error::AppError::SessionExpired => lang.t("Session expirée", "Session ended"),
        crate::error::AppError::Forbidden => lang.t("Accès refusé", "Access denied"),
        _ => lang.t("Une erreur est survenue", "Something went wrong"),
    };
    let sign_in = matches!(error, crate::error::AppError::SignInRequired | crate::error::AppError::SessionExpired);
    let second_factor = matches!(error, crate::error::AppError::SecondFactorRequired);
    let path = ctx.path;
    let acting = ctx.acting.filter(|_| error == crate::error::AppError::Forbidden);
    view! {
        <Title text=title/>
        <section class="panel">
            <h1>{title}</h1>
            <p>{error.message(lang)}</p>
            {acting.map(|a| view! {
                <p>{match lang {
                    Lang::Fr => format!("Vous agissez pour le compte partagé « {} » : cette page demande les droits de votre compte individuel.", a.description),
                    Lang::En => format!("You are acting for the shared account “{}”: this page needs your individual account's rights.", a.description),
                }}</p>
                <crate::shared_accounts::pages::SwitchBackForm lang=lang page=path.clone()/>
            })}
            <ul class="choices">
                {sign_in.then(|| view! {
                    <li><a href=format!("/connexion?suite={}", crate::pages::url_encode(&path))>{lang.t("Se connecter", "Sign in")}</a></li>
                })}
                {second_factor.then(|| view! {
                    <li><a href="/mon-compte/securite">{lang.t("Configurer l'authentification à deux facteurs", "Set up two-factor authentication")}</a></li>
                })}
                <li><a href="/">{lang.t("Revenir à l'accueil", "Back to the home page")}</a></li>
            </ul>
        </section>
    }
    .into_any()
}
