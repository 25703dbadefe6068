//! `/invitation` (choose a password) and `/bienvenue` (accept the terms).

use super::api::{AcceptInvitation, AcceptTerms};
use crate::accounts::islands::PasswordInput;
use crate::accounts::store::{self, TokenPurpose, TokenState};
use crate::error::AppError;
use crate::form::PlainForm;
use crate::form::{Outcome, submitted};
use crate::pages::errors::ErrorPage;
use crate::pages::query_param;
use crate::platform::{app_state, request_context};
use crate::ui::notice::Notice;
use crate::ui::plain::{TermsCheckbox, outcome_of};
use leptos::prelude::*;
use leptos_meta::Title;
use server_fn::ServerFn;

/// `/invitation?jeton=…`
#[component]
pub fn InvitationPage() -> impl IntoView {
    let lang = request_context().lang;
    let sub = submitted::<Outcome>(<AcceptInvitation as ServerFn>::PATH);
    let token = query_param("jeton").unwrap_or_else(|| sub.value("token"));
    view! {
        <Title text=lang.t("Invitation", "Invitation")/>
        <section class="panel narrow">
            <h1>{lang.t("Bienvenue sur Sésame", "Welcome to Sésame")}</h1>
            {Suspend::new(async move {
                let peeked = match app_state() {
                    Ok(state) => store::peek_token(&state.db, &token, TokenPurpose::Invitation, state.now()).await.unwrap_or(TokenState::Unknown),
                    Err(_) => TokenState::Unknown,
                };
                match peeked {
                    TokenState::Valid(_) => {
                        let outcome = outcome_of(&sub, lang);
                        let error = outcome.as_ref().and_then(|o| o.error_for("password"));
                        view! {
                            <p>{lang.t("Choisissez votre mot de passe pour accepter l'invitation.", "Choose your password to accept the invitation.")}</p>
                            <Notice outcome=outcome/>
                            <PlainForm fn_path={<AcceptInvitation as ServerFn>::PATH} page=format!("/invitation?jeton={token}")>
                                <input type="hidden" name="token" value=token.clone()/>
                                <PasswordInput lang=lang label="password".to_string() server_error=error/>
                                <button type="submit">{lang.t("Choisir mon mot de passe", "Choose my password")}</button>
                            </PlainForm>
                        }.into_any()
                    }
                    other => view! { <Notice outcome=Some(super::flows::invitation_problem(other, lang))/> }.into_any(),
                }
            })}
        </section>
    }
}

/// `/bienvenue`: the terms, accepted at the first sign-in.
#[component]
pub fn WelcomePage() -> impl IntoView {
    let ctx = request_context();
    let lang = ctx.lang;
    if ctx.user.is_none() {
        return view! { <ErrorPage lang=lang error=AppError::SignInRequired/> }.into_any();
    }
    let sub = submitted::<Outcome>(<AcceptTerms as ServerFn>::PATH);
    let outcome = outcome_of(&sub, lang);
    let error = outcome.as_ref().and_then(|o| o.error_for("terms"));
    view! {
        <Title text=lang.t("Conditions d'utilisation", "Terms of use")/>
        <section class="panel narrow">
            <h1>{lang.t("Dernière étape : les conditions d'utilisation", "Last step: the terms of use")}</h1>
            <p>{lang.t(
                "Avant votre première utilisation de Sésame, lisez et acceptez les conditions d'utilisation.",
                "Before you first use Sésame, read and accept the terms of use.",
            )}</p>
            <Notice outcome=outcome/>
            <PlainForm fn_path={<AcceptTerms as ServerFn>::PATH} page="/bienvenue">
                <TermsCheckbox lang=lang error=error/>
                <button type="submit">{lang.t("Accéder à Sésame", "Go to Sésame")}</button>
            </PlainForm>
        </section>
    }
    .into_any()
}
