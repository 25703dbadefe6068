//! `/mon-compte`: the home of a signed-in person, with what their account allows.

use crate::activation::pages::PatientProfiles;
use crate::domain::account::UserKind;
use crate::error::AppError;
use crate::form::NoticeKind;
use crate::pages::errors::ErrorPage;
use crate::pages::query_param;
use crate::platform::request_context;
use crate::ui::notice::Notice;
use leptos::prelude::*;
use leptos_meta::Title;

/// `/mon-compte`
#[component]
pub fn MyAccountPage() -> impl IntoView {
    let ctx = request_context();
    let lang = ctx.lang;
    let Some(user) = ctx.user else {
        return view! { <ErrorPage lang=lang error=AppError::SignInRequired/> }.into_any();
    };
    let password_changed = query_param("mot-de-passe").is_some();
    let profile_removed = query_param("profil-retire").is_some();
    let body = match user.kind {
        UserKind::Patient => view! {
            <crate::reports::pages::NewestReport user_id=user.id lang=lang/>
            <PatientProfiles user_id=user.id lang=lang/>
        }
        .into_any(),
        UserKind::Professional | UserKind::Support => crate::pages::account_sections::sections(&user, lang),
        UserKind::FrontDesk => view! {
            <section class="panel"><p><a class="button" href="/support/dossiers">{lang.t("Dossiers patients", "Patient records")}</a></p></section>
        }
        .into_any(),
        // Shared accounts never sign in: no session is ever theirs.
        UserKind::Shared => view! { <ErrorPage lang=lang error=AppError::Forbidden/> }.into_any(),
    };
    let user_id = user.id;
    view! {
        <Title text=lang.t("Mon compte", "My account")/>
        <h1>{format!("{} {}", lang.t("Bonjour", "Hello"), user.first_name)}</h1>
        {profile_removed.then(|| view! { <Notice outcome=Some(crate::form::Outcome::notice(NoticeKind::Success, lang.t("Le profil est retiré de votre compte. Le dossier reste au laboratoire.", "The profile is removed from your account. The record stays with the lab.")))/> })}
        {password_changed.then(|| view! { <Notice outcome=Some(crate::form::Outcome::notice(NoticeKind::Success, lang.t("Votre nouveau mot de passe est enregistré ; vos autres sessions ont été fermées.", "Your new password is saved; your other sessions were signed out.")))/> })}
        {body}
        {(!matches!(user.kind, UserKind::Support | UserKind::FrontDesk)).then(|| view! { <crate::reports::preferences::DocumentNotices user_id=user_id kind=user.kind lang=lang/> })}
        <AccountSecurity user_id=user_id lang=lang/>
        <crate::my_data::pages::MyDataPanel kind=user.kind lang=lang/>
    }
    .into_any()
}

/// The security part of `/mon-compte`: where to manage sign-in, and every action someone
/// else (support, an administrator, an approver) took on the account this past year.
#[component]
fn AccountSecurity(user_id: i64, lang: crate::i18n::Lang) -> impl IntoView {
    Suspend::new(async move {
        let actions = match crate::platform::app_state() {
            Ok(state) => crate::platform::audit::by_others_on(
                &state.db,
                user_id,
                state.now() - 365 * crate::platform::clock::DAY,
            )
            .await
            .unwrap_or_else(|e| {
                tracing::error!(error = %e, "account activity");
                Vec::new()
            }),
            Err(_) => Vec::new(),
        };
        view! {
            <section class="panel">
                <h2>{lang.t("Sécurité du compte", "Account security")}</h2>
                <p class="actions">
                    <a class="button button-secondary" href="/mon-compte/securite">{lang.t("Second facteur et sessions ouvertes", "Second factor and open sessions")}</a>
                    <a class="button button-secondary" href="/mon-compte/mot-de-passe">{lang.t("Changer mon mot de passe", "Change my password")}</a>
                </p>
                <h3>{lang.t("Actions d'autres personnes sur votre compte", "Actions by others on your account")}</h3>
                {if actions.is_empty() {
                    view! { <p class="meta">{lang.t("Aucune au cours de l'année écoulée.", "None this past year.")}</p> }.into_any()
                } else {
                    view! {
                        <ul class="activity">
                            {actions.into_iter().map(|a| view! {
                                <li>{crate::pages::date_time(a.at, lang)}" — "{crate::platform::audit::describe(&a.action, lang)}
                                    " ("{lang.t("par le support ou votre structure", "by support or your structure")}")"</li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
        }
    })
}
