//! Interactive forms of the accounts journey: they validate as the person types once the
//! WebAssembly has loaded, and work as plain forms before that.

// `#[island]` generates public glue (props struct, WebAssembly export) per island; the
// islands themselves are documented.
#![allow(missing_docs)]

use super::api::SignUp;
use crate::domain::date::Date;
use crate::domain::email::Email;
use crate::form::PlainForm;
use crate::form::{Outcome, Settled};
use crate::i18n::Lang;
use crate::ui::fields::{Field, HydrationMarker, NewPasswordField, Required, TextField, name_rule};
use leptos::prelude::*;
use server_fn::ServerFn;

/// The sign-up form of `/inscription`.
#[island]
pub fn SignUpForm(lang: Lang, initial: Settled, next: String) -> impl IntoView {
    let outcome = Signal::stored(initial.outcome.clone());
    let email = Field::of("email", initial.value("email"));
    let last_name = Field::of("last_name", initial.value("last_name"));
    let first_name = Field::of("first_name", initial.value("first_name"));
    let birth_date = Field::of("birth_date", initial.value("birth_date"));
    let terms_checked = initial.checked_or("terms", false);

    let email_error =
        email.error("email", move |v| Email::parse(v).err().map(|e| e.message(lang).to_string()), outcome);
    let suggestion = Signal::derive(move || email.value.with(|v| Email::parse(v).ok().and_then(|e| e.suggestion())));
    let last_error =
        last_name.error("last_name", name_rule(lang, ("Indiquez votre nom.", "Enter your last name.")), outcome);
    let first_error =
        first_name.error("first_name", name_rule(lang, ("Indiquez votre prénom.", "Enter your first name.")), outcome);
    let birth_error =
        birth_date.error("birth_date", move |v| Date::parse(v).err().map(|e| e.message(lang).to_string()), outcome);
    let terms_error = Signal::derive(move || outcome.with(|o| o.as_ref().and_then(|o| o.error_for("terms"))));

    let page = if next.is_empty() {
        "/inscription".to_string()
    } else {
        format!("/inscription?suite={}", crate::form::percent_encode(&next))
    };
    view! {
        <PlainForm fn_path=SignUp::PATH page=page>
            <HydrationMarker/>
            <input type="hidden" name="next" value=next/>
            <crate::ui::fields::RequiredNote lang=lang/>
            <TextField id="email" name="email" label=lang.t("Adresse e-mail", "E-mail address") input_type="email"
                autocomplete="email" inputmode="email" maxlength=254 field=email error=email_error
                hint=lang.t("Elle vous servira d'identifiant. Une adresse, un compte.", "It will be your sign-in name. One address, one account.")/>
            {move || suggestion.get().map(|s| view! {
                <p class="field-ok">{lang.t("Vouliez-vous dire ", "Did you mean ")}<strong>{s}</strong>" ?"</p>
            })}
            <NewPasswordField lang=lang label=lang.t("Mot de passe", "Password") outcome=outcome/>
            <TextField id="last_name" name="last_name" label=lang.t("Nom", "Last name") autocomplete="family-name"
                maxlength=100 field=last_name error=last_error/>
            <TextField id="first_name" name="first_name" label=lang.t("Prénom", "First name") autocomplete="given-name"
                maxlength=100 field=first_name error=first_error/>
            <TextField id="birth_date" name="birth_date" label=lang.t("Date de naissance", "Date of birth") input_type="date"
                autocomplete="bday" field=birth_date error=birth_error
                hint=lang.t("JJ/MM/AAAA", "DD/MM/YYYY")/>
            <div class="honeypot" aria-hidden="true">
                <label for="website">"Site web"</label>
                <input id="website" name="website" type="text" tabindex="-1" autocomplete="off"/>
            </div>
            <div class="field">
                <div class="check">
                    <input id="terms" name="terms" type="checkbox" value="on" aria-required="true" checked=terms_checked
                        aria-invalid=move || if terms_error.with(Option::is_some) { "true" } else { "false" }
                        aria-describedby="terms-links terms-error"/>
                    <label for="terms">{lang.t("J'accepte les conditions d'utilisation", "I accept the terms of use")}<Required/></label>
                </div>
                <p class="hint" id="terms-links">
                    <a href="/conditions-utilisation" target="_blank">{lang.t("Lire les conditions d'utilisation", "Read the terms of use")}</a>
                    " · "
                    <a href="/confidentialite" target="_blank">{lang.t("Politique de confidentialité", "Privacy notice")}</a>
                </p>
                <crate::ui::fields::FieldError id="terms" message=terms_error/>
            </div>
            <button type="submit">{lang.t("Créer mon compte", "Create my account")}</button>
        </PlainForm>
    }
}

/// A new-password input with its rules and strength meter, inside a server-rendered form
/// (reset, first sign-in, invitation): the only part of those pages that needs the browser.
#[island]
pub fn PasswordInput(lang: Lang, label: String, server_error: Option<String>) -> impl IntoView {
    let outcome = Signal::derive(move || {
        server_error.clone().map(|e| Outcome { field_errors: vec![("password".into(), e)], ..Outcome::default() })
    });
    let label: &'static str = if label == "new" {
        lang.t("Nouveau mot de passe", "New password")
    } else {
        lang.t("Mot de passe", "Password")
    };
    view! {
        <HydrationMarker/>
        <NewPasswordField lang=lang label=label outcome=outcome/>
    }
}
