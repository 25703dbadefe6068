//! The home page: two clear doors, one for patients, one for lab professionals.

use crate::platform::request_context;
use leptos::prelude::*;
use leptos_meta::Title;

/// `/`: for a visitor, the two doors (patients, professionals); for a signed-in person,
/// what they can do now — their profiles, their rights and what waits for them — and no
/// sign-up offers.
#[component]
pub fn HomePage() -> impl IntoView {
    let ctx = request_context();
    let lang = ctx.lang;
    if let Some(user) = ctx.user {
        let name = user.first_name.clone();
        let body = match user.kind {
            crate::domain::account::UserKind::Patient => view! {
                <crate::reports::pages::NewestReport user_id=user.id lang=lang/>
                <crate::activation::pages::PatientProfiles user_id=user.id lang=lang/>
            }
            .into_any(),
            _ => crate::pages::account_sections::sections(&user, lang),
        };
        return view! {
            <Title text=""/>
            <h1>{match lang { crate::i18n::Lang::Fr => format!("Bonjour {name}"), crate::i18n::Lang::En => format!("Hello {name}") }}</h1>
            {body}
        }
        .into_any();
    }
    view! {
        <Title text=""/>
        <section class="hero">
            <h1>{lang.t("Vos analyses de biologie médicale, en toute simplicité", "Your medical lab tests, made simple")}</h1>
            <p class="lead">{lang.t(
                "Sésame est le portail des laboratoires du réseau : les patients y suivent la disponibilité de leurs comptes rendus, les professionnels y gèrent leurs accès.",
                "Sésame is the portal of the network's labs: patients follow when their reports are available, professionals manage their access.",
            )}</p>
        </section>
        <div class="doors">
            <section class="panel door">
                <h2>{lang.t("Vous êtes patient", "You are a patient")}</h2>
                <p>{lang.t(
                    "Créez votre compte avec votre adresse e-mail, puis saisissez le code d'activation imprimé sur votre compte rendu. Vous pouvez aussi suivre les analyses d'un enfant ou d'un proche.",
                    "Create your account with your e-mail address, then enter the activation code printed on your report. You can also follow the tests of a child or a relative.",
                )}</p>
                <p class="actions">
                    <a class="button" href="/inscription">{lang.t("Créer mon compte", "Create my account")}</a>
                    <a class="button button-secondary" href="/connexion">{lang.t("Se connecter", "Sign in")}</a>
                </p>
                <p><a href="/activation">{lang.t("J'ai un code d'activation", "I have an activation code")}</a></p>
            </section>
            <section class="panel door">
                <h2>{lang.t("Vous êtes professionnel de laboratoire", "You are a lab professional")}</h2>
                <p>{lang.t(
                    "Biologiste ou collaborateur (secrétariat, technicien…) : demandez votre accès aux résultats et aux factures des sites de votre structure, avec votre code correspondant.",
                    "Biologist or collaborator (secretary, technician…): request access to the results and invoices of your structure's sites, with your correspondent code.",
                )}</p>
                <p class="actions">
                    <a class="button" href="/demande-acces">{lang.t("Faire ma demande d'accès", "Request access")}</a>
                    <a class="button button-secondary" href="/premiere-connexion">{lang.t("J'ai reçu mon code d'accès", "I received my access code")}</a>
                </p>
            </section>
        </div>
    }
    .into_any()
}
