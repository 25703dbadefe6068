//! `/support/dossiers`: the search form, the records found (to check against the identity
//! document) and, once a code is issued, the slip to print. Server-rendered, no island.

use super::api::{FindRecord, IssueDeskCode};
use crate::activation::store as records;
use crate::form::PlainForm;
use crate::form::{Outcome, submitted};
use crate::i18n::Lang;
use crate::pages::errors::ErrorPage;
use crate::platform::guards::require_front_desk;
use crate::platform::{app_state, request_context};
use crate::ui::notice::Notice;
use crate::ui::plain::{Input, outcome_of};
use leptos::prelude::*;
use leptos_meta::Title;
use server_fn::ServerFn;

/// `/support/dossiers`
#[component]
pub fn FrontDeskPage() -> impl IntoView {
    let ctx = request_context();
    let lang = ctx.lang;
    let find = submitted::<Outcome>(<FindRecord as ServerFn>::PATH);
    let issued = submitted::<Outcome>(<IssueDeskCode as ServerFn>::PATH);
    let find_outcome = outcome_of(&find, lang);
    let issued_outcome = outcome_of(&issued, lang);
    Suspend::new(async move {
        if let Err(e) = require_front_desk(&ctx) {
            return view! { <ErrorPage lang=lang error=e/> }.into_any();
        }
        let Ok(state) = app_state() else {
            return view! { <ErrorPage lang=lang error=crate::error::AppError::Internal/> }.into_any();
        };
        let title = lang.t("Dossiers patients — accueil", "Patient records — front desk");
        // A code just issued: the slip, and nothing else to distract.
        if let Some(o) = issued_outcome.clone().filter(|o| o.items.len() == 4) {
            let (code, name, reference) = (o.items[0].clone(), o.items[2].clone(), o.items[3].clone());
            return view! {
                <Title text=title/>
                <h1 class="no-print">{title}</h1>
                <div class="no-print"><Notice outcome=Signal::stored(Some(Outcome { items: vec![], ..o.clone() }))/></div>
                <Slip code=code name=name reference=reference lang=lang issued=crate::pages::date_time(state.now(), lang)/>
                <p class="no-print">{lang.t("Pour imprimer le bordereau : Ctrl+P (ou ⌘+P).", "To print the slip: Ctrl+P (or ⌘+P).")}</p>
                <p class="no-print"><a class="button button-secondary" href="/support/dossiers">{lang.t("Rechercher un autre dossier", "Find another record")}</a></p>
            }
            .into_any();
        }
        let mut found = Vec::new();
        if let Some(o) = &find_outcome {
            for id in o.items.iter().filter_map(|i| i.parse::<i64>().ok()) {
                if let Ok(Some(r)) = records::desk_record(&state.db, id).await {
                    found.push(r);
                }
            }
        }
        let err = |k: &str| find_outcome.as_ref().and_then(|o| o.error_for(k)).unwrap_or_default();
        let (reference_error, nir_error, last_error, first_error) =
            (err("reference"), err("nir"), err("last_name"), err("first_name"));
        let (reference_value, nir_value, last_value, first_value) =
            (find.value("reference"), find.value("nir"), find.value("last_name"), find.value("first_name"));
        view! {
            <Title text=title/>
            <h1>{title}</h1>
            <section class="panel">
                <h2>{lang.t("Trouver un dossier", "Find a record")}</h2>
                <p class="form-intro">{lang.t(
                    "Vérifiez l'identité de la personne sur une pièce d'identité. Cherchez par référence du dossier, ou par NIR avec le nom et le prénom.",
                    "Check the person's identity on an identity document. Search by the record's reference, or by NIR with the last and first name.",
                )}</p>
                <Notice outcome=Signal::stored(find_outcome.clone().filter(|o| o.items.is_empty()))/>
                <Notice outcome=Signal::stored(issued_outcome.clone())/>
                <PlainForm fn_path={<FindRecord as ServerFn>::PATH} page="/support/dossiers">
                    <Input id="reference" name="reference" label=lang.t("Référence du dossier", "Record reference") required=false
                        value=reference_value error=reference_error autocomplete="off"/>
                    <p class="meta">{lang.t("ou", "or")}</p>
                    <Input id="nir" name="nir" label=lang.t("NIR", "NIR") required=false value=nir_value error=nir_error autocomplete="off"
                        hint=lang.t("Numéro de sécurité sociale, 15 caractères.", "Social security number, 15 characters.")/>
                    <Input id="last_name" name="last_name" label=lang.t("Nom", "Last name") required=false value=last_value error=last_error autocomplete="off"/>
                    <Input id="first_name" name="first_name" label=lang.t("Prénom", "First name") required=false value=first_value error=first_error autocomplete="off"/>
                    <button type="submit">{lang.t("Rechercher", "Search")}</button>
                </PlainForm>
            </section>
            {(!found.is_empty()).then(|| view! {
                <section class="panel">
                    <h2>{lang.t("Dossier trouvé", "Record found")}</h2>
                    {found.into_iter().map(|r| view! {
                        <article class="card" aria-label=format!("{} {}", r.first_names, r.last_name)>
                            <h3>{format!("{} {}", r.first_names, r.last_name)}</h3>
                            <p class="meta">{r.birth_name.clone().map(|b| format!("{}{b} · ", lang.t("née / né ", "born ")))}
                                {lang.t("né(e) le ", "born on ")}{crate::pages::day(&r.birth_date, lang)}" · "{lang.t("dossier ", "record ")}{r.lab_reference.clone()}</p>
                            <PlainForm fn_path={<IssueDeskCode as ServerFn>::PATH} page="/support/dossiers">
                                <input type="hidden" name="record_id" value=r.id.to_string()/>
                                <button type="submit">{lang.t("Émettre un nouveau code", "Issue a new code")}</button>
                            </PlainForm>
                            <p class="hint">{lang.t("L'ancien code cessera de fonctionner.", "The old code will stop working.")}</p>
                        </article>
                    }).collect_view()}
                </section>
            })}
        }
        .into_any()
    })
}

/// The printable slip: the code in large grouped characters and where to type it.
#[component]
fn Slip(code: String, name: String, reference: String, issued: String, lang: Lang) -> impl IntoView {
    let origin = app_state().map(|s| s.settings.url("/activation")).unwrap_or_default();
    view! {
        <section class="panel slip" aria-labelledby="slip-title">
            <h2 id="slip-title">{lang.t("Votre code d'activation Sésame", "Your Sésame activation code")}</h2>
            <p>{name}" · "{lang.t("dossier ", "record ")}{reference}</p>
            <p class="slip-code" aria-label=lang.t("Code d'activation", "Activation code")>{code}</p>
            <p>{lang.t(
                "Saisissez ce code sur la page d'activation de Sésame, avec la date de naissance du patient. Il remplace tout code précédent et ne sert qu'une fois.",
                "Type this code on Sésame's activation page, with the patient's birth date. It replaces any earlier code and works once.",
            )}</p>
            <p class="slip-url">{origin}</p>
            <p class="meta">{lang.t("Émis le ", "Issued on ")}{issued}</p>
        </section>
    }
}
