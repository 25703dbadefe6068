//! `/resultats` and `/factures` — each needs its right, checked on the server for every
//! request — and the professional's part of `/mon-compte`.

use super::store::{self, DocumentRight, ProAccess};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::pages::errors::ErrorPage;
use crate::platform::session::CurrentUser;
use crate::platform::{app_state, request_context};
use leptos::prelude::*;
use leptos_meta::Title;

/// The caller's access if they may open the area, or the error to show
/// ([`crate::reports::flows::holder_of`]).
pub async fn access_for(user: Option<CurrentUser>, right: DocumentRight) -> Result<ProAccess, AppError> {
    let user = user.ok_or(AppError::SignInRequired)?;
    let state = app_state()?;
    crate::reports::flows::holder_of(&state.db, &user, right).await.map_err(AppError::from)
}

/// The rows of one page of a list.
const PAGE_ROWS: i64 = 50;

/// `/resultats`
#[component]
pub fn ResultsPage() -> impl IntoView {
    let ctx = request_context();
    let lang = ctx.lang;
    let query = |name: &str| crate::pages::query_param(name).filter(|v| !v.is_empty());
    let site_id = query("site").and_then(|v| v.parse::<i64>().ok());
    let status = query("etat").filter(|v| v == "partial" || v == "complete");
    let new_only = query("nouveaux").is_some();
    let patient = query("patient").and_then(|v| v.parse::<i64>().ok());
    let day = |name: &str| query(name).and_then(|v| crate::domain::date::Date::parse(&v).ok()).map(|d| d.iso());
    let (sampled_from, sampled_to) = (day("du"), day("au"));
    let after = query("apres").and_then(|v| {
        let (at, id) = v.split_once('-')?;
        Some((at.parse::<i64>().ok()?, id.parse::<i64>().ok()?))
    });
    Suspend::new(async move {
        let access = match access_for(ctx.principal(), DocumentRight::Results).await {
            Ok(a) => a,
            Err(e) => return view! { <ErrorPage lang=lang error=e/> }.into_any(),
        };
        let Ok(state) = app_state() else {
            return view! { <ErrorPage lang=lang error=AppError::Internal/> }.into_any();
        };
        let sites = store::visible_sites(&state.db, &access).await.unwrap_or_default();
        let filter = crate::reports::store::ProFilter {
            site_id: site_id.filter(|id| sites.iter().any(|s| s.id == *id)),
            status: status.clone(),
            new_only,
            after,
            record_id: patient,
            sampled_from,
            sampled_to,
        };
        let rows = match crate::reports::store::pro_reports(
            &state.db,
            &crate::reports::store::ProScope::of(&access),
            &filter,
            PAGE_ROWS,
        )
        .await
        {
            Ok(r) => r,
            Err(e) => return view! { <ErrorPage lang=lang error=e.into()/> }.into_any(),
        };
        let next = (rows.len() as i64 == PAGE_ROWS).then(|| rows.last().map(|r| (r.available_at, r.id))).flatten().map(
            |(at, id)| {
                let mut q = format!("/resultats?apres={at}-{id}");
                if let Some(s) = filter.site_id {
                    q.push_str(&format!("&site={s}"));
                }
                if let Some(s) = &filter.status {
                    q.push_str(&format!("&etat={s}"));
                }
                if new_only {
                    q.push_str("&nouveaux=1");
                }
                if let Some(p) = patient {
                    q.push_str(&format!("&patient={p}"));
                }
                for (name, value) in [("du", &filter.sampled_from), ("au", &filter.sampled_to)] {
                    if let Some(v) = value {
                        q.push_str(&format!("&{name}={v}"));
                    }
                }
                q
            },
        );
        let title = lang.t("Résultats", "Results");
        let your_sites = sites.iter().map(|s| s.name.clone()).collect::<Vec<_>>().join(", ");
        view! {
            <Title text=title/>
            <h1>{title}</h1>
            <p class="meta">{lang.t("Vos sites : ", "Your sites: ")}{your_sites}</p>
            <p><a class="button button-secondary" href="/resultats/recherche">{lang.t("Rechercher un patient", "Find a patient")}</a></p>
            <form method="get" action="/resultats" class="filters filters-auto panel" role="search">
                <div class="field">
                    <label for="du">{lang.t("Prélevé du", "Sampled from")}</label>
                    <input id="du" name="du" type="date" value=filter.sampled_from.clone().unwrap_or_default()/>
                </div>
                <div class="field">
                    <label for="au">{lang.t("au", "to")}</label>
                    <input id="au" name="au" type="date" value=filter.sampled_to.clone().unwrap_or_default()/>
                </div>
                <div class="field">
                    <label for="site">{lang.t("Site", "Site")}</label>
                    <select id="site" name="site">
                        <option value="">{lang.t("Tous mes sites", "All my sites")}</option>
                        {sites.iter().map(|s| view! { <option value=s.id.to_string() selected=filter.site_id == Some(s.id)>{s.name.clone()}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="etat">{lang.t("État", "Status")}</label>
                    <select id="etat" name="etat">
                        <option value="">{lang.t("Tous", "All")}</option>
                        <option value="partial" selected=filter.status.as_deref() == Some("partial")>{lang.t("Résultats partiels", "Partial results")}</option>
                        <option value="complete" selected=filter.status.as_deref() == Some("complete")>{lang.t("Complet", "Complete")}</option>
                    </select>
                </div>
                <label class="choice"><input type="checkbox" name="nouveaux" value="1" checked=new_only/>" "{lang.t("Nouveaux seulement", "New only")}</label>
                {patient.map(|p| view! { <input type="hidden" name="patient" value=p.to_string()/> })}
                <button type="submit" class="button-secondary">{lang.t("Filtrer", "Filter")}</button>
            </form>
            {if rows.is_empty() {
                view! { <p class="meta">{lang.t("Aucun compte rendu pour ces critères.", "No report for these criteria.")}</p> }.into_any()
            } else {
                view! {
                    <table class="responsive">
                        <thead><tr>
                            <th>{lang.t("Patient", "Patient")}</th><th>{lang.t("Prélèvement", "Sampled")}</th>
                            <th>{lang.t("Compte rendu", "Report")}</th><th>{lang.t("Site", "Site")}</th><th>{lang.t("État", "Status")}</th>
                        </tr></thead>
                        <tbody>
                            {rows.into_iter().map(|r| {
                                let title = r.title.clone().unwrap_or_else(|| lang.t("Compte rendu", "Report").to_string());
                                view! { <tr>
                                    <td data-label=lang.t("Patient", "Patient")>{r.patient.clone()}" ("{crate::pages::day(&r.birth_date, lang)}")"</td>
                                    <td data-label=lang.t("Prélèvement", "Sampled")>{r.sampled_on.as_deref().map(|d| crate::pages::day(d, lang)).unwrap_or_default()}</td>
                                    <td data-label=lang.t("Compte rendu", "Report")><a href=format!("/resultats/{}/pdf", r.id)>{title}" (PDF"{r.size.map(|b| format!(", {}", crate::reports::pages::file_size(b, lang)))}")"</a>
                                        {(!r.opened.0).then(|| view! { " " <span class="tag tag-new">{lang.t("Nouveau", "New")}</span> })}</td>
                                    <td data-label=lang.t("Site", "Site")>{r.site_name.clone().unwrap_or_default()}</td>
                                    <td data-label=lang.t("État", "Status")>{if r.status == "complete" { lang.t("Complet", "Complete") } else { lang.t("Résultats partiels", "Partial results") }}</td>
                                </tr> }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            {next.map(|href| view! { <p><a href=href>{lang.t("Page suivante", "Next page")}</a></p> })}
        }
        .into_any()
    })
}

/// `/factures`
#[component]
pub fn InvoicesPage() -> impl IntoView {
    let ctx = request_context();
    let lang = ctx.lang;
    let after = crate::pages::query_param("apres").and_then(|v| v.parse::<i64>().ok());
    Suspend::new(async move {
        let access = match access_for(ctx.principal(), DocumentRight::Invoices).await {
            Ok(a) => a,
            Err(e) => return view! { <ErrorPage lang=lang error=e/> }.into_any(),
        };
        let Ok(state) = app_state() else {
            return view! { <ErrorPage lang=lang error=AppError::Internal/> }.into_any();
        };
        let rows = match crate::reports::store::pro_invoices(
            &state.db,
            &crate::reports::store::ProScope::of(&access),
            after,
            PAGE_ROWS,
        )
        .await
        {
            Ok(r) => r,
            Err(e) => return view! { <ErrorPage lang=lang error=e.into()/> }.into_any(),
        };
        let next = (rows.len() as i64 == PAGE_ROWS)
            .then(|| rows.last().map(|r| format!("/factures?apres={}", r.id)))
            .flatten();
        let euros = move |cents: i64| {
            let text = format!("{}.{:02} €", cents / 100, cents % 100);
            if lang == Lang::Fr { text.replace('.', ",") } else { text }
        };
        let title = lang.t("Factures", "Invoices");
        view! {
            <Title text=title/>
            <h1>{title}</h1>
            {if rows.is_empty() {
                view! { <p class="meta">{lang.t("Aucune facture pour vos sites pour l'instant.", "No invoice for your sites yet.")}</p> }.into_any()
            } else {
                view! {
                    <table class="responsive">
                        <thead><tr>
                            <th>{lang.t("Facture", "Invoice")}</th><th>{lang.t("Période", "Period")}</th><th>{lang.t("Montant", "Amount")}</th>
                            <th>{lang.t("Échéance", "Due")}</th><th>{lang.t("Site", "Site")}</th>
                        </tr></thead>
                        <tbody>
                            {rows.into_iter().map(|i| view! { <tr>
                                <td data-label=lang.t("Facture", "Invoice")><a href=format!("/factures/{}/pdf", i.id)>{i.reference.clone()}" (PDF, "{crate::reports::pages::file_size(i.size, lang)}")"</a></td>
                                <td data-label=lang.t("Période", "Period")>{crate::pages::day(&i.period_start, lang)}" – "{crate::pages::day(&i.period_end, lang)}</td>
                                <td data-label=lang.t("Montant", "Amount")>{euros(i.amount_cents)}</td>
                                <td data-label=lang.t("Échéance", "Due")>{crate::pages::day(&i.due_on, lang)}</td>
                                <td data-label=lang.t("Site", "Site")>{i.site_name.clone().unwrap_or_default()}</td>
                            </tr> }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            {next.map(|href| view! { <p><a href=href>{lang.t("Page suivante", "Next page")}</a></p> })}
        }
        .into_any()
    })
}

/// The professional's part of `/mon-compte`: what their rights allow, for which sites.
#[component]
pub fn ProfessionalHome(
    /// The signed-in professional.
    user: CurrentUser,
    /// Interface language.
    lang: Lang,
) -> impl IntoView {
    Suspend::new(async move {
        let Ok(state) = app_state() else {
            return view! { <ErrorPage lang=lang error=AppError::Internal/> }.into_any();
        };
        let access = store::access_of(&state.db, user.id).await.ok().flatten();
        let approver = !store::approver_structures(&state.db, user.id).await.unwrap_or_default().is_empty();
        let Some(access) = access else {
            return view! { <section class="panel"><p>{lang.t("Votre compte n'est rattaché à aucune structure.", "Your account belongs to no structure.")}</p></section> }.into_any();
        };
        let structure = crate::structures::store::find(&state.db, access.structure_id)
            .await
            .ok()
            .flatten()
            .map(|s| s.name)
            .unwrap_or_default();
        let sites = store::visible_sites(&state.db, &access).await.unwrap_or_default();
        let welcome = crate::pages::query_param("bienvenue").is_some();
        view! {
            {welcome.then(|| view! { <crate::ui::notice::Notice outcome=Some(crate::form::Outcome::notice(crate::form::NoticeKind::Success, lang.t("Votre compte est activé. Bienvenue sur Sésame !", "Your account is active. Welcome to Sésame!")))/> })}
            <section class="panel">
                <h2>{structure}</h2>
                <p class="meta">{access.profile.label(lang)}" · "{lang.t("droits : ", "rights: ")}{access.rights.describe(lang)}</p>
                <div class="doors">
                    {access.rights.results.then(|| view! { <a class="button" href="/resultats">{lang.t("Résultats", "Results")}</a> })}
                    {access.rights.invoices.then(|| view! { <a class="button" href="/factures">{lang.t("Factures", "Invoices")}</a> })}
                    {approver.then(|| view! { <a class="button button-secondary" href="/approbation-des-comptes">{lang.t("Approbation des comptes", "Account approval")}</a> })}
                </div>
                {(!access.rights.any()).then(|| view! { <p class="muted">{lang.t(
                    "Votre compte n'a pas de droit Résultats ni Factures. Votre biologiste peut vous les accorder depuis la page d'approbation des comptes.",
                    "Your account has neither the Results nor the Invoices right. Your biologist can grant them from the account approval page.",
                )}</p> })}
                <h3>{lang.t("Sites dont vous voyez les données", "Sites whose data you see")}</h3>
                <ul class="choices">{sites.into_iter().map(|s| view! { <li>{format!("{} — {}", s.name, s.city)}</li> }).collect_view()}</ul>
            </section>
        }
        .into_any()
    })
}
