//! `/support/documents`: support finds a report or an invoice by the lab's reference and
//! sees its whole history — versions, withdrawal, and every opening or download by anyone
//! (patients, professionals, support). Support sees the history, not the document: nothing
//! opens from here. Each lookup is audited.

use super::store;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::pages::errors::ErrorPage;
use crate::platform::audit::{self, AuditEntry};
use crate::platform::guards::require_support;
use crate::platform::{app_state, request_context};
use leptos::prelude::*;
use leptos_meta::Title;

/// What a reference designates.
enum Found {
    Report(store::Report, Vec<store::Version>),
    Invoice(store::Invoice),
}

/// Who opened it, as support reads it: the person, their kind and structure.
fn who(a: &store::Access, lang: Lang) -> String {
    let kind = match a.kind.as_deref() {
        Some("patient") => lang.t("patient ou proche", "patient or relative"),
        Some("professional") => lang.t("professionnel", "professional"),
        Some("support") => lang.t("support", "support"),
        Some("shared") => lang.t("compte partagé", "shared account"),
        _ => lang.t("compte supprimé", "deleted account"),
    };
    let name = match (&a.name, &a.member_name) {
        (Some(n), Some(m)) => Some(match lang {
            Lang::Fr => format!("{m} pour {n}"),
            Lang::En => format!("{m} for {n}"),
        }),
        (n, _) => n.clone(),
    };
    match (&name, &a.structure_name) {
        (Some(n), Some(s)) => format!("{n} ({kind}) — {s}"),
        (Some(n), None) => format!("{n} ({kind})"),
        _ => kind.to_string(),
    }
}

/// `/support/documents?reference=…`
#[component]
pub fn DocumentHistoryPage() -> impl IntoView {
    let ctx = request_context();
    let lang = ctx.lang;
    let user = match require_support(&ctx) {
        Ok(u) => u,
        Err(e) => return view! { <ErrorPage lang=lang error=e/> }.into_any(),
    };
    let reference = crate::pages::query_param("reference").map(|r| r.trim().to_string()).unwrap_or_default();
    Suspend::new(async move {
        let Ok(state) = app_state() else { return view! { <ErrorPage lang=lang error=AppError::Internal/> }.into_any() };
        let found = if reference.is_empty() {
            None
        } else {
            let lookup = async {
                if let Some(r) = store::find_report(&state.db, &reference).await? {
                    let versions = store::versions(&state.db, r.id).await?;
                    return Ok::<_, sqlx::Error>(Some(Found::Report(r, versions)));
                }
                Ok(store::find_invoice(&state.db, &reference).await?.map(Found::Invoice))
            };
            match lookup.await {
                Ok(f) => f,
                Err(e) => return view! { <ErrorPage lang=lang error=crate::error::FlowError::from(e).into()/> }.into_any(),
            }
        };
        let (kind, id) = match &found {
            Some(Found::Report(r, _)) => ("report", r.id),
            Some(Found::Invoice(i)) => ("invoice", i.id),
            None => ("", 0),
        };
        let accesses = if found.is_some() {
            let recorded = async {
                let mut tx = state.db.begin().await?;
                audit::record(&mut tx, state.now(), AuditEntry::new(Some(user.id), "support.document_history", kind, Some(id)))
                    .await?;
                tx.commit().await?;
                store::accesses(&state.db, kind, id).await
            };
            match recorded.await {
                Ok(a) => a,
                Err(e) => return view! { <ErrorPage lang=lang error=crate::error::FlowError::from(e).into()/> }.into_any(),
            }
        } else {
            Vec::new()
        };
        let date = move |iso: &str| crate::pages::day(iso, lang);
        let title = lang.t("Historique d'un document", "Document history");
        view! {
            <Title text=title/>
            <h1>{title}</h1>
            <form method="get" action="/support/documents" class="panel" role="search">
                <div class="field">
                    <label for="reference">{lang.t("Référence du compte rendu ou de la facture", "Reference of the report or invoice")}</label>
                    <input id="reference" name="reference" type="search" value=reference.clone() autocomplete="off"/>
                </div>
                <button type="submit">{lang.t("Afficher l'historique", "Show the history")}</button>
            </form>
            {match found {
                None if reference.is_empty() => ().into_any(),
                None => view! { <p class="meta">{lang.t("Aucun document ne porte cette référence.", "No document has this reference.")}</p> }.into_any(),
                Some(found) => view! {
                    <section class="panel">
                        {match found {
                            Found::Report(r, versions) => view! {
                                <h2>{lang.t("Compte rendu ", "Report ")}{r.reference.clone()}</h2>
                                <p class="meta">{r.title.clone().unwrap_or_default()}" · "{lang.t("publié le ", "published ")}{crate::pages::date_time(r.available_at, lang)}
                                    {r.withdrawn_at.map(|at| view! { " · " <strong>{lang.t("retiré le ", "withdrawn ")}{crate::pages::date_time(at, lang)}</strong> })}</p>
                                <h3>{lang.t("Versions", "Versions")}</h3>
                                <ul>{versions.into_iter().map(|v| view! {
                                    <li>{format!("{} {} — ", lang.t("Version", "Version"), v.version)}
                                        {if v.status == "complete" { lang.t("complet", "complete") } else { lang.t("résultats partiels", "partial results") }}
                                        " — "{lang.t("prélèvement du ", "sampled ")}{date(&v.sampled_on)}" — "{lang.t("reçue le ", "received ")}{crate::pages::date_time(v.created_at, lang)}</li>
                                }).collect_view()}</ul>
                            }.into_any(),
                            Found::Invoice(i) => view! {
                                <h2>{lang.t("Facture ", "Invoice ")}{i.reference.clone()}</h2>
                                <p class="meta">{date(&i.period_start)}" – "{date(&i.period_end)}" · "{lang.t("version ", "version ")}{i.version}
                                    {i.withdrawn_at.map(|at| view! { " · " <strong>{lang.t("retirée le ", "withdrawn ")}{crate::pages::date_time(at, lang)}</strong> })}</p>
                            }.into_any(),
                        }}
                        <h3>{lang.t("Ouvertures et téléchargements", "Openings and downloads")}</h3>
                        {if accesses.is_empty() {
                            view! { <p class="meta">{lang.t("Personne ne l'a ouvert.", "Nobody opened it.")}</p> }.into_any()
                        } else {
                            view! {
                                <table class="responsive">
                                    <thead><tr><th>{lang.t("Quand", "When")}</th><th>{lang.t("Qui", "Who")}</th><th>{lang.t("Action", "Action")}</th><th>{lang.t("Version", "Version")}</th></tr></thead>
                                    <tbody>{accesses.into_iter().map(|a| view! { <tr>
                                        <td data-label=lang.t("Quand", "When")>{crate::pages::date_time(a.at, lang)}</td>
                                        <td data-label=lang.t("Qui", "Who")>{who(&a, lang)}</td>
                                        <td data-label=lang.t("Action", "Action")>{if a.action == "download" { lang.t("téléchargé", "downloaded") } else { lang.t("ouvert", "opened") }}</td>
                                        <td data-label=lang.t("Version", "Version")>{a.version}</td>
                                    </tr> }).collect_view()}</tbody>
                                </table>
                            }.into_any()
                        }}
                    </section>
                }.into_any(),
            }}
        }
        .into_any()
    })
    .into_any()
}
