//! `/demande-acces` and its confirmation page.

use super::api::SubmitAccessRequest;
use super::islands::AccessRequestForm;
use crate::domain::access_request::RequestState;
use crate::form::{Outcome, submitted};
use crate::pages::query_param;
use crate::platform::{app_state, request_context};
use leptos::prelude::*;
use leptos_meta::Title;
use server_fn::ServerFn;

/// `/demande-acces`
#[component]
pub fn AccessRequestPage() -> impl IntoView {
    let lang = request_context().lang;
    let initial = submitted::<Outcome>(<SubmitAccessRequest as ServerFn>::PATH);
    // After a submission without JavaScript, the structure is looked up on the server so the
    // same form shows its sites and approvers.
    let code = initial.value("correspondent_code");
    let errors = initial.outcome.clone().and_then(|o| o.ok());
    let choices = super::panel::PanelChoices {
        approver: initial.value("approver"),
        sites_mode: initial.value_or("sites_mode", "all"),
        sites: initial.values_of("sites[]"),
        approver_error: errors.as_ref().and_then(|o| o.error_for("approver")),
        sites_error: errors.as_ref().and_then(|o| o.error_for("sites")),
    };
    view! {
        <Title text=lang.t("Demande d'accès professionnel", "Professional access request")/>
        <section class="panel narrow">
            <h1>{lang.t("Demande d'accès professionnel", "Professional access request")}</h1>
            <p class="form-intro">{lang.t(
                "Biologiste ou collaborateur d'un laboratoire correspondant : munissez-vous de votre code correspondant. Votre demande sera approuvée par le biologiste de votre structure si vous demandez l'accès aux Résultats ou aux Factures, puis validée par notre support ; vous recevrez alors un code d'accès provisoire par e-mail.",
                "Biologist or collaborator of a correspondent lab: have your correspondent code at hand. Your request is approved by your structure's biologist if you ask for Results or Invoices, then validated by our support; you will then receive a provisional access code by e-mail.",
            )}</p>
            {Suspend::new(async move {
                let panel = if code.trim().is_empty() {
                    super::api::Panel { open: true, ..Default::default() }
                } else {
                    match app_state() {
                        Ok(state) => match crate::structures::store::lookup(&state.db, &code, state.today(), lang).await {
                            Ok(lookup) => super::panel::render(&lookup, choices, lang),
                            Err(e) => {
                                tracing::error!(error = %e, "structure lookup");
                                super::api::Panel { open: true, ..Default::default() }
                            }
                        },
                        Err(_) => super::api::Panel { open: true, ..Default::default() },
                    }
                };
                view! {
                    <crate::ui::notice::Notice outcome=crate::ui::plain::outcome_of(&initial, lang)/>
                    <AccessRequestForm lang=lang initial=initial.settled(lang) initial_panel=panel/>
                }
            })}
            <p class="muted">{lang.t("Déjà un compte ? ", "Already have an account? ")}<a href="/connexion">{lang.t("Se connecter", "Sign in")}</a></p>
        </section>
    }
}

/// `/demande-acces/envoyee?etat=…`
#[component]
pub fn AccessRequestSentPage() -> impl IntoView {
    let lang = request_context().lang;
    let state = query_param("etat").and_then(|s| RequestState::parse(&s)).unwrap_or(RequestState::PendingSupport);
    let next = match state {
        RequestState::PendingApprover => lang.t(
            "Votre demande est transmise à l'approbateur que vous avez choisi : il va l'approuver ou l'ajuster, puis notre support la validera.",
            "Your request was sent to the approver you chose: they will approve or adjust it, then our support will validate it.",
        ),
        _ => lang.t("Votre demande est transmise à notre support, qui va la vérifier.", "Your request was sent to our support, who will check it."),
    };
    view! {
        <Title text=lang.t("Demande envoyée", "Request sent")/>
        <section class="panel narrow">
            <h1>{lang.t("Votre demande est envoyée", "Your request is sent")}</h1>
            <p>{next}</p>
            <ol class="choices">
                <li>{lang.t("Vous recevez un e-mail de confirmation, puis un e-mail à chaque étape.", "You receive a confirmation e-mail, then an e-mail at each step.")}</li>
                <li>{lang.t("Une fois la demande validée, un code d'accès provisoire vous est envoyé par e-mail (valable 7 jours).", "Once validated, a provisional access code is e-mailed to you (valid 7 days).")}</li>
                <li>{lang.t("Vous vous connectez avec votre adresse e-mail et ce code, puis choisissez votre mot de passe.", "You sign in with your e-mail address and this code, then choose your password.")}</li>
            </ol>
            <p><a href="/">{lang.t("Revenir à l'accueil", "Back to the home page")}</a></p>
        </section>
    }
}
