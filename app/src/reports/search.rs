//! `/resultats/recherche`: a professional finds a patient by NIR, last name and first name —
//! all three required, the NIR's key checked before any lookup, names compared tolerantly as
//! for activation — only among the reports their right and sites cover. Any other case
//! (unknown NIR, other names, a patient out of reach) gives the same "0 fiche trouvée".
//! The form posts (the NIR never goes into a URL); every search is audited without the NIR
//! and counted against the person's limit (100 an hour) before anything is looked up.

// `#[server]` generates a public argument struct; its fields are the documented parameters.
#![allow(missing_docs)]

use crate::error::AppError;
use crate::form::PlainForm;
use crate::i18n::Lang;
use crate::ui::plain::Input;
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};
use server_fn::ServerFn;

/// A patient found.
#[derive(Clone, Serialize, Deserialize)]
pub struct FoundPatient {
    /// Their record (the link to their reports).
    pub record_id: i64,
    /// First names and last name.
    pub name: String,
    /// Birth date (AAAA-MM-JJ).
    pub birth_date: String,
    /// The latest report's title.
    pub latest_title: Option<String>,
    /// Its status.
    pub latest_status: String,
}

impl std::fmt::Debug for FoundPatient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FoundPatient({})", self.record_id)
    }
}

/// What a search answers: field errors, or the patients found.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct SearchAnswer {
    /// Errors by field.
    pub field_errors: Vec<(String, String)>,
    /// Patients found (empty: "0 fiche trouvée").
    pub found: Vec<FoundPatient>,
}

/// Searches the caller's patients by NIR and names.
#[server(endpoint = "resultats-recherche")]
pub async fn search_patients(nir: String, last_name: String, first_name: String) -> Result<SearchAnswer, AppError> {
    use crate::domain::names::name_matches;
    let state = crate::platform::app_state()?;
    let ctx = crate::platform::request_context();
    let lang = ctx.lang;
    let scope = super::flows::pro_scope(&state, &ctx, crate::professional::store::DocumentRight::Results).await?;
    // Limits and the audit line are the person's own, even while acting for a shared account.
    let person = ctx.require_user()?.id;
    // Every submitted search counts, valid or not, before anything is looked up.
    crate::platform::limits::check(&state, crate::platform::limits::LimitedAction::PatientSearch { user_id: person })
        .await?;
    let mut errors = Vec::new();
    let required = lang.t("Ce champ est obligatoire.", "This field is required.");
    if nir.trim().is_empty() {
        errors.push(("nir".to_string(), required.to_string()));
    }
    if last_name.trim().is_empty() || last_name.chars().count() > 100 {
        errors.push(("last_name".to_string(), required.to_string()));
    }
    if first_name.trim().is_empty() || first_name.chars().count() > 100 {
        errors.push(("first_name".to_string(), required.to_string()));
    }
    let canonical = crate::domain::nir::parse_nir(&nir);
    if !nir.trim().is_empty() && canonical.is_none() {
        errors.push((
            "nir".to_string(),
            lang.t(
                "Ce NIR n'est pas valide : 15 caractères dont la clé (2A ou 2B pour la Corse). Vérifiez-le.",
                "This NIR is not valid: 15 characters including the key (2A or 2B for Corsica). Check it.",
            )
            .to_string(),
        ));
    }
    let Some(canonical) = canonical.filter(|_| errors.is_empty()) else {
        return Ok(SearchAnswer { field_errors: errors, found: vec![] });
    };
    let reports = super::store::pro_reports_by_nir(&state.db, &scope, &canonical).await?;
    let mut found: Vec<FoundPatient> = Vec::new();
    for r in reports {
        let recorded_last = [r.last_name.as_str(), r.birth_name.as_deref().unwrap_or("")];
        if !name_matches(&last_name, &recorded_last) || !name_matches(&first_name, &[r.first_names.as_str()]) {
            continue;
        }
        if found.iter().any(|f| f.record_id == r.record_id) {
            continue;
        }
        found.push(FoundPatient {
            record_id: r.record_id,
            name: format!("{} {}", r.first_names, r.last_name),
            birth_date: r.birth_date,
            latest_title: r.title,
            latest_status: r.status,
        });
    }
    let mut tx = state.db.begin().await?;
    crate::platform::audit::record(
        &mut tx,
        state.now(),
        // The person searched; while switched, for the shared account (the scope's owner).
        crate::platform::audit::AuditEntry::new(Some(person), "results.patient_search", "user", Some(scope.user_id))
            .with(serde_json::json!({ "found": found.len() })),
    )
    .await?;
    tx.commit().await?;
    Ok(SearchAnswer { field_errors: vec![], found })
}

/// `/resultats/recherche`
#[component]
pub fn PatientSearchPage() -> impl IntoView {
    let ctx = crate::platform::request_context();
    let lang = ctx.lang;
    let sub = crate::form::submitted::<SearchAnswer>(<SearchPatients as ServerFn>::PATH);
    let (answer, failed) = match sub.outcome.clone() {
        Some(Ok(a)) => (Some(a), None),
        Some(Err(e)) => (None, Some(e)),
        None => (None, None),
    };
    let typed = |name: &str| sub.values.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
    let (last, first) = (typed("last_name"), typed("first_name"));
    let error_for = |field: &str| {
        answer.as_ref().and_then(|a| a.field_errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.clone()))
    };
    let (nir_error, last_error, first_error) = (error_for("nir"), error_for("last_name"), error_for("first_name"));
    Suspend::new(async move {
        if let Err(e) =
            crate::professional::pages::access_for(ctx.principal(), crate::professional::store::DocumentRight::Results)
                .await
        {
            return view! { <crate::pages::errors::ErrorPage lang=lang error=e/> }.into_any();
        }
        if let Some(e) = failed {
            return view! { <crate::pages::errors::ErrorPage lang=lang error=e/> }.into_any();
        }
        let title = lang.t("Rechercher un patient", "Find a patient");
        let results = answer.filter(|a| a.field_errors.is_empty()).map(|a| {
            let n = a.found.len();
            let heading = match (lang, n) {
                (Lang::Fr, 0 | 1) => format!("{n} fiche trouvée"),
                (Lang::Fr, n) => format!("{n} fiches trouvées"),
                (Lang::En, 1) => "1 record found".to_string(),
                (Lang::En, n) => format!("{n} records found"),
            };
            view! {
                <section class="panel" aria-live="polite">
                    <h2>{heading}</h2>
                    <ul class="cards">
                        {a.found.into_iter().map(|p| view! {
                            <li class="card">
                                <p><a href=format!("/resultats?patient={}", p.record_id)><strong>{p.name.clone()}</strong></a></p>
                                <p class="meta">{lang.t("Né(e) le ", "Born on ")}{crate::pages::day(&p.birth_date, lang)}
                                    " · "{p.latest_title.clone().unwrap_or_default()}" · "
                                    {if p.latest_status == "complete" { lang.t("Complet", "Complete") } else { lang.t("Résultats partiels", "Partial results") }}</p>
                            </li>
                        }).collect_view()}
                    </ul>
                </section>
            }
        });
        view! {
            <Title text=title/>
            <p><a href="/resultats">{lang.t("← Résultats", "← Results")}</a></p>
            <h1>{title}</h1>
            <section class="panel">
                <p class="form-intro">{lang.t(
                    "Les trois champs sont obligatoires. La recherche porte sur les patients de votre structure, pour vos sites.",
                    "All three fields are required. The search covers your structure's patients, for your sites.",
                )}</p>
                <PlainForm fn_path={<SearchPatients as ServerFn>::PATH} page="/resultats/recherche">
                    <Input id="nir" name="nir" label=lang.t("Numéro de sécurité sociale (NIR)", "Social security number (NIR)") autocomplete="off" inputmode="text" error=nir_error.unwrap_or_default()/>
                    <Input id="last_name" name="last_name" label=lang.t("Nom", "Last name") value=last error=last_error.unwrap_or_default()/>
                    <Input id="first_name" name="first_name" label=lang.t("Prénom", "First name") value=first error=first_error.unwrap_or_default()/>
                    <p class="actions">
                        <button type="submit">{lang.t("Rechercher", "Search")}</button>
                        <a class="button button-secondary" href="/resultats/recherche">{lang.t("Réinitialiser", "Reset")}</a>
                    </p>
                </PlainForm>
            </section>
            {results}
        }
        .into_any()
    })
}
