//! The fields of the shared-account form that react to typing: the establishment's
//! identifier checked with its key, the département derived from the postcode, and the
//! responsible's RPPS identifier (required unless the profession has none). Each is a small
//! island inside a plain server-rendered form: the form itself posts to its page with or
//! without WebAssembly, and the server checks everything again with the same domain code.

// `#[island]` generates public glue (props struct, WebAssembly export) per island; the
// islands themselves are documented.
#![allow(missing_docs)]

use crate::domain::identifiers::{
    EstablishmentId, EstablishmentIdKind, IdentifierError, departement_of_postcode, parse_postcode, parse_rpps,
};
use crate::domain::shared_account::Profession;
use crate::form::Outcome;
use crate::i18n::Lang;
use crate::ui::fields::{Field, FieldError, Required, TextField};
use crate::ui::typed_early;
use leptos::prelude::*;

/// The server's errors of these fields, as the outcome a [`Field`] reads.
fn server_errors(errors: Vec<(String, String)>) -> Signal<Option<Outcome>> {
    let outcome = (!errors.is_empty()).then(|| Outcome { field_errors: errors, ..Outcome::default() });
    Signal::stored(outcome)
}

/// **Type d'identifiant** and **Identifiant établissement**: the key is checked as the
/// person types, for the type chosen.
#[island]
pub fn EstablishmentIdField(lang: Lang, kind: String, value: String, errors: Vec<(String, String)>) -> impl IntoView {
    let outcome = server_errors(errors);
    let chosen = RwSignal::new(kind.clone());
    typed_early::restore(chosen, typed_early::value("identifier_kind", kind.clone()));
    let field = Field::of("identifier", value);
    let error = field.error(
        "identifier",
        move |v| {
            let kind = EstablishmentIdKind::parse(&chosen.get())?;
            match EstablishmentId::parse(kind, v) {
                Ok(_) => None,
                // Still typing: the length is told on sending, not at the first digit.
                Err(IdentifierError::Format)
                    if v.chars().filter(char::is_ascii_alphanumeric).count() < kind.length() =>
                {
                    None
                }
                Err(e) => Some(e.establishment_message(kind, lang).to_string()),
            }
        },
        outcome,
    );
    let kind_error = Signal::derive(move || outcome.with(|o| o.as_ref().and_then(|o| o.error_for("identifier_kind"))));
    let option = move |value: &'static str, label: &'static str| {
        let selected = kind == value;
        view! { <option value=value selected=selected>{label}</option> }
    };
    view! {
        <crate::ui::fields::HydrationMarker/>
        <div class="field">
            <label for="identifier_kind">{lang.t("Type d'identifiant", "Identifier type")}</label><Required/>
            <select id="identifier_kind" name="identifier_kind" required=true aria-describedby="identifier_kind-error"
                on:change=move |ev| {
                    chosen.set(event_target_value(&ev));
                    field.edited.set(true);
                }>
                {option("", lang.t("— Choisir —", "— Choose —"))}
                {option("finess", lang.t("FINESS géographique", "FINESS (geographic)"))}
                {option("siret", lang.t("SIRET (sans FINESS)", "SIRET (no FINESS)"))}
                {option("siren", lang.t("SIREN (sans FINESS)", "SIREN (no FINESS)"))}
            </select>
            <FieldError id="identifier_kind" message=kind_error/>
        </div>
        <TextField id="identifier" name="identifier" label=lang.t("Identifiant établissement", "Establishment identifier")
            hint=lang.t(
                "Le numéro FINESS géographique (9 caractères) ; le SIRET (14 chiffres) ou le SIREN (9 chiffres) seulement sans FINESS.",
                "The geographic FINESS number (9 characters); the SIRET (14 digits) or SIREN (9 digits) only without a FINESS.",
            )
            inputmode="text" maxlength=20 field=field error=error/>
    }
}

/// **Code postal** and **Département**: the département follows the postcode until the
/// person changes it themself (Corsica and overseas may need it).
#[island]
pub fn PostcodeFields(
    lang: Lang,
    postcode: String,
    departement: String,
    errors: Vec<(String, String)>,
) -> impl IntoView {
    let outcome = server_errors(errors);
    let code = Field::of("postcode", postcode);
    let dep = Field::new(departement.clone());
    // A département typed before the WebAssembly arrived is the person's own choice.
    let dep_edited = RwSignal::new(dep.restore(typed_early::value("departement", departement)));
    let code_error = code.error(
        "postcode",
        move |v| {
            parse_postcode(v)
                .is_none()
                .then(|| lang.t("Un code postal compte 5 chiffres.", "A postcode has 5 digits.").to_string())
        },
        outcome,
    );
    let dep_error = dep.error(
        "departement",
        move |v| {
            crate::domain::structure::parse_departement(v).is_none().then(|| {
                lang.t(
                    "Indiquez le département : 01 à 95, 2A, 2B ou 971 à 976.",
                    "Enter the département: 01 to 95, 2A, 2B or 971 to 976.",
                )
                .to_string()
            })
        },
        outcome,
    );
    let initial_dep = dep.value.get_untracked();
    view! {
        <div class="field">
            <label for="postcode">{lang.t("Code postal", "Postcode")}</label><Required/>
            <input id="postcode" name="postcode" type="text" inputmode="numeric" autocomplete="postal-code" maxlength="5"
                required=true value=code.value.get_untracked() aria-describedby="postcode-error"
                aria-invalid=move || if code_error.with(Option::is_some) { "true" } else { "false" }
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    if !dep_edited.get_untracked()
                        && let Some(d) = departement_of_postcode(&v)
                    {
                        dep.value.set(d);
                    }
                    code.value.set(v);
                    code.edited.set(true);
                }
                on:blur=move |_| code.touched.set(true)/>
            <FieldError id="postcode" message=code_error/>
        </div>
        <div class="field">
            <label for="departement">{lang.t("Département", "Département")}</label><Required/>
            <span class="hint" id="departement-hint">{lang.t(
                "Déduit du code postal ; modifiable (Corse, outre-mer).",
                "Derived from the postcode; you may change it (Corsica, overseas).",
            )}</span>
            <input id="departement" name="departement" type="text" maxlength="3" value=initial_dep
                prop:value=move || dep.value.get()
                aria-describedby="departement-hint departement-error"
                aria-invalid=move || if dep_error.with(Option::is_some) { "true" } else { "false" }
                on:input=move |ev| {
                    dep.value.set(event_target_value(&ev));
                    dep.edited.set(true);
                    dep_edited.set(true);
                }
                on:blur=move |_| dep.touched.set(true)/>
            <FieldError id="departement" message=dep_error/>
        </div>
    }
}

/// **Profession** and **Identifiant RPPS** of the responsible professional: the RPPS is
/// required, and checked with its key, unless the profession has none.
#[island]
pub fn ResponsibleIdFields(
    lang: Lang,
    profession: String,
    rpps: String,
    errors: Vec<(String, String)>,
) -> impl IntoView {
    let outcome = server_errors(errors);
    let chosen = RwSignal::new(profession.clone());
    typed_early::restore(chosen, typed_early::value("profession", profession.clone()));
    let field = Field::of("rpps", rpps);
    let needs_rpps = move || Profession::parse(&chosen.get()).is_none_or(Profession::has_rpps);
    let error = field.error(
        "rpps",
        move |v| match parse_rpps(v) {
            Ok(_) => None,
            Err(IdentifierError::Empty) if !needs_rpps() => None,
            Err(IdentifierError::Format) if v.chars().filter(char::is_ascii_digit).count() < 11 => None,
            Err(e) => Some(e.rpps_message(lang).to_string()),
        },
        outcome,
    );
    let profession_error = Signal::derive(move || outcome.with(|o| o.as_ref().and_then(|o| o.error_for("profession"))));
    view! {
        <div class="field">
            <label for="profession">{lang.t("Profession", "Profession")}</label><Required/>
            <select id="profession" name="profession" required=true aria-describedby="profession-error"
                on:change=move |ev| {
                    chosen.set(event_target_value(&ev));
                    field.edited.set(true);
                }>
                <option value="">{lang.t("— Choisir —", "— Choose —")}</option>
                {Profession::ALL.into_iter().map(|p| {
                    let selected = profession == p.as_str();
                    view! { <option value=p.as_str() selected=selected>{p.label(lang)}</option> }
                }).collect_view()}
            </select>
            <FieldError id="profession" message=profession_error/>
        </div>
        <div class="field">
            <label for="rpps">{lang.t("Identifiant RPPS", "RPPS identifier")}</label>
            <span class="req" aria-hidden="true" hidden=move || !needs_rpps()>"*"</span>
            <span class="hint" id="rpps-hint">{lang.t(
                "11 chiffres ; obligatoire sauf pour la profession « Autre ».",
                "11 digits; required except for the profession “Other”.",
            )}</span>
            <input id="rpps" name="rpps" type="text" inputmode="numeric" maxlength="14" value=field.value.get_untracked()
                aria-describedby="rpps-hint rpps-error"
                aria-invalid=move || if error.with(Option::is_some) { "true" } else { "false" }
                on:input=move |ev| {
                    field.value.set(event_target_value(&ev));
                    field.edited.set(true);
                }
                on:blur=move |_| field.touched.set(true)/>
            <FieldError id="rpps" message=error/>
        </div>
    }
}
