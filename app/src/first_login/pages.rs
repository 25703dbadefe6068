//! `/premiere-connexion`.

use super::api::FirstLogin;
use crate::accounts::islands::PasswordInput;
use crate::form::PlainForm;
use crate::form::{Outcome, submitted};
use crate::platform::request_context;
use crate::ui::fields::{Required, autocorrect_off};
use crate::ui::notice::Notice;
use crate::ui::plain::{Input, TermsCheckbox, outcome_of};
use leptos::prelude::*;
use leptos_meta::Title;
use server_fn::ServerFn;

/// `/premiere-connexion`
#[component]
pub fn FirstLoginPage() -> impl IntoView {
    let lang = request_context().lang;
    let sub = submitted::<Outcome>(<FirstLogin as ServerFn>::PATH);
    let outcome = outcome_of(&sub, lang);
    let error = |f: &str| outcome.as_ref().and_then(|o| o.error_for(f)).unwrap_or_default();
    let (email_error, code_error, password_error, terms_error) =
        (error("email"), error("code"), error("password"), error("terms"));
    let password_error = (!password_error.is_empty()).then_some(password_error);
    // The e-mail's link fills the code in: nothing to copy, no symbol lost on the way.
    let code = crate::pages::query_param("code")
        .filter(|_| sub.outcome.is_none())
        .and_then(|c| crate::domain::activation_code::ActivationCode::parse(&c).ok())
        .map(|c| c.grouped())
        .unwrap_or_default();
    view! {
        <Title text=lang.t("Première connexion", "First sign-in")/>
        <section class="panel narrow">
            <h1>{lang.t("Première connexion", "First sign-in")}</h1>
            <p class="form-intro">{lang.t(
                "Votre demande d'accès a été validée : saisissez votre adresse e-mail et le code d'accès provisoire reçu par e-mail, puis choisissez votre mot de passe.",
                "Your access request was validated: enter your e-mail address and the provisional access code you received by e-mail, then choose your password.",
            )}</p>
            <Notice outcome=outcome/>
            <PlainForm fn_path={<FirstLogin as ServerFn>::PATH} page="/premiere-connexion">
                <crate::ui::fields::RequiredNote lang=lang/>
                <Input id="email" name="email" label=lang.t("Adresse e-mail", "E-mail address") input_type="email" autocomplete="username"
                    inputmode="email" value=sub.value("email") error=email_error/>
                <div class="field">
                    <label for="code">{lang.t("Code d'accès provisoire", "Provisional access code")}</label><Required/>
                    <span class="hint" id="code-hint">{lang.t("11 caractères, par exemple K7QF-9M2X-4TX (tirets et minuscules acceptés).", "11 characters, for example K7QF-9M2X-4TX (dashes and lower case are fine).")}</span>
                    <input id="code" name="code" type="text" class="code-input" value=code autocapitalize="characters"
                        autocomplete="one-time-code" {..autocorrect_off()} spellcheck="false" inputmode="text" required=true maxlength="20"
                        aria-describedby="code-hint code-error" aria-invalid=if code_error.is_empty() { "false" } else { "true" }/>
                    <p class="field-error" id="code-error">{code_error}</p>
                </div>
                <PasswordInput lang=lang label="password".to_string() server_error=password_error/>
                <TermsCheckbox lang=lang error=terms_error/>
                <button type="submit">{lang.t("Activer mon compte", "Activate my account")}</button>
            </PlainForm>
        </section>
    }
}
