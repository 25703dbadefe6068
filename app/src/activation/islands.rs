//! The activation-code form: the code is normalised and grouped as it is typed, and a
//! mistyped character is reported before anything is sent.

// `#[island]` generates public glue (props struct, WebAssembly export) per island; the
// islands themselves are documented.
#![allow(missing_docs)]

use super::api::ActivateRecord;
use crate::domain::activation_code::{self, CodeError};
use crate::domain::date::Date;
use crate::form::PlainForm;
use crate::form::Settled;
use crate::i18n::Lang;
use crate::ui::fields::{Field, FieldError, Required, TextField, autocorrect_off, optional_name_rule};
use crate::ui::typed_early;
use leptos::prelude::*;
use server_fn::ServerFn;

/// Asked when "Moi-même" comes with the birth date of someone much younger (the island
/// asks as the date is typed; the server asks again before anything is sent to review).
pub fn child_question(lang: Lang) -> &'static str {
    lang.t(
        "Est-ce le dossier de votre enfant ? Cette date de naissance est celle d'une personne bien plus jeune que vous. Choisissez « Mon enfant » et indiquez son nom ; si c'est bien votre propre dossier, cochez « C'est bien mon dossier ».",
        "Is it your child's record? This date of birth is that of someone much younger than you. Choose “My child” and give their name; if it is your own record, tick “It is my own record”.",
    )
}

/// The form of `/activation`. `holder_birth` is the account holder's birth date, to ask
/// "is it your child's record?" as a much younger birth date is typed for "Moi-même".
#[island]
pub fn ActivationForm(lang: Lang, initial: Settled, holder_birth: String) -> impl IntoView {
    let outcome = Signal::stored(initial.outcome.clone());

    let initial_code = {
        let typed = initial.value("code");
        if typed.is_empty() { typed } else { activation_code::group(&activation_code::normalize_input(&typed)) }
    };
    let code = Field::new(initial_code.clone());
    // A code typed before the WebAssembly arrived is shown grouped, as if typed now.
    let typed = typed_early::value("code", initial_code.clone());
    code.restore(if typed.is_empty() {
        typed
    } else {
        activation_code::group(&activation_code::normalize_input(&typed))
    });
    let code_error = code.error(
        "code",
        move |v| match activation_code::check_partial(v) {
            Ok(()) => None,
            // Incomplete codes are only reported by the server, on submission.
            Err(CodeError::TooShort { .. } | CodeError::Empty) => None,
            Err(e) => Some(e.message(lang)),
        },
        outcome,
    );
    let complete = Signal::derive(move || code.value.with(|v| activation_code::ActivationCode::parse(v).is_ok()));

    let birth = Field::of("birth_date", initial.value("birth_date"));
    let birth_error =
        birth.error("birth_date", move |v| Date::parse(v).err().map(|e| e.message(lang).to_string()), outcome);

    let relation = RwSignal::new(initial.value_or("relation", "self"));
    typed_early::restore(relation, typed_early::chosen("relation", relation.get_untracked()));
    let last = Field::of("patient_last_name", initial.value("patient_last_name"));
    let first = Field::of("patient_first_name", initial.value("patient_first_name"));
    let last_error = last.error("patient_last_name", optional_name_rule(lang), outcome);
    let first_error = first.error("patient_first_name", optional_name_rule(lang), outcome);
    // Before the WebAssembly runs, the name fields are always shown (the server ignores them
    // for one's own record); once it runs, they show only for someone else's record.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let names_hidden = move || hydrated.get() && relation.get() == "self";
    let holder = Date::parse(&holder_birth).ok();
    let relation_error = Signal::derive(move || {
        let typed_child = relation.get() == "self"
            && birth
                .value
                .with(|v| Date::parse(v).ok())
                .zip(holder)
                .is_some_and(|(b, h)| crate::domain::date::looks_like_a_child_of(b, h));
        let server = outcome.with(|o| o.as_ref().and_then(|o| o.error_for("relation")));
        server.or_else(|| typed_child.then(|| child_question(lang).to_string()))
    });
    let ask_confirmation = Signal::derive(move || relation_error.with(Option::is_some));

    let on_code_input = move |ev: leptos::ev::Event| {
        let typed = event_target_value(&ev);
        let grouped = activation_code::group(&activation_code::normalize_input(&typed));
        code.value.set(grouped);
        code.edited.set(true);
    };

    let radio = move |value: &'static str, label: &'static str| {
        let checked = relation.get_untracked() == value;
        view! {
            <label class="check">
                <input type="radio" name="relation" value=value checked=checked
                    on:change=move |_| relation.set(value.to_string())/>
                {label}
            </label>
        }
    };

    view! {
        <PlainForm fn_path=ActivateRecord::PATH page="/activation">
            <crate::ui::fields::HydrationMarker/>
            <crate::ui::fields::RequiredNote lang=lang/>
            <div class="field">
                <label for="code">{lang.t("Code d'activation", "Activation code")}</label><Required/>
                <span class="hint" id="code-hint">{lang.t(
                    "11 caractères, imprimés sur votre compte rendu (par exemple K7QF-9M2X-4TX). Les tirets, les espaces et les minuscules sont acceptés ; « O » se lit zéro et « I » ou « L » se lisent un.",
                    "11 characters, printed on your report (for example K7QF-9M2X-4TX). Dashes, spaces and lower case are fine; “O” reads as zero and “I” or “L” as one.",
                )}</span>
                <input id="code" name="code" type="text" class="code-input"
                    value=initial_code
                    prop:value=move || code.value.get()
                    autocapitalize="characters" autocomplete="one-time-code" {..autocorrect_off()} spellcheck="false" inputmode="text"
                    maxlength="20" required=true
                    aria-describedby="code-hint code-error"
                    aria-invalid=move || if code_error.with(Option::is_some) { "true" } else { "false" }
                    on:input=on_code_input
                    on:blur=move |_| code.touched.set(true)/>
                <FieldError id="code" message=code_error/>
                <p class="field-ok" aria-live="polite">{move || complete.get().then(|| lang.t("Code complet et cohérent.", "Code complete and consistent."))}</p>
            </div>
            <TextField id="birth_date" name="birth_date" label=lang.t("Date de naissance du patient", "Patient's date of birth")
                input_type="date" field=birth error=birth_error
                hint=lang.t("Celle de la personne dont c'est le compte rendu (votre enfant, par exemple).", "That of the person the report is about (your child, for example).")/>
            <fieldset>
                <legend>{lang.t("Ce dossier est celui de", "This record belongs to")}</legend>
                {radio("self", lang.t("Moi-même", "Myself"))}
                {radio("child", lang.t("Mon enfant", "My child"))}
                {radio("dependent", lang.t("Une personne que j'accompagne", "A person I care for"))}
                <FieldError id="relation" message=relation_error/>
                <div class="check" hidden=move || !ask_confirmation.get()>
                    <input type="checkbox" id="confirm_self" name="confirm_self" value="on"/>
                    <label for="confirm_self">{lang.t("C'est bien mon dossier", "It is my own record")}</label>
                </div>
            </fieldset>
            <div class="patient-names" hidden=names_hidden>
                <p class="hint">{lang.t(
                    "Si le dossier n'est pas le vôtre : le nom et le prénom du patient, tels qu'ils figurent sur le compte rendu.",
                    "If the record is not yours: the patient's last and first name, as on the report.",
                )}</p>
                <TextField id="patient_last_name" name="patient_last_name" label=lang.t("Nom du patient", "Patient's last name")
                    required=false field=last error=last_error maxlength=100/>
                <TextField id="patient_first_name" name="patient_first_name" label=lang.t("Prénom du patient", "Patient's first name")
                    required=false field=first error=first_error maxlength=100/>
            </div>
            <button type="submit">{lang.t("Valider", "Validate")}</button>
        </PlainForm>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn display_grouping_matches_the_printed_form() {
        use crate::domain::activation_code::{group, normalize_input};
        assert_eq!(group(&normalize_input("k70f lm2x-4tx")), "K70F-1M2X-4TX");
    }
}
