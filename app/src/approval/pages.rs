//! `/approbation-des-comptes`: pending requests of the approver's structures, newest first,
//! with their decisions, and the structure's active collaborators. Plain server-rendered
//! forms: they work on any tablet, with or without JavaScript.

use super::api::{ApproveRequest, ApproveRequests, RefuseRequest, UpdateCollaborator};
use crate::access_request::store::{self as requests, RequestRow};
use crate::domain::access_request::{Profile, RequestState, Rights, SiteScope};
use crate::domain::date::Date;
use crate::error::AppError;
use crate::form::PlainForm;
use crate::form::{Outcome, Submitted, submitted};
use crate::i18n::Lang;
use crate::pages::errors::ErrorPage;
use crate::platform::{app_state, request_context};
use crate::professional::store as pro;
use crate::structures::lookup::SiteInfo;
use crate::ui::notice::Notice;
use crate::ui::plain::{RefusalForm, outcome_of};
use leptos::prelude::*;
use leptos_meta::Title;
use server_fn::ServerFn;

/// Formats a timestamp as a date.
pub fn day(ms: i64, lang: Lang) -> String {
    let d = Date::from_unix_millis(ms);
    if lang == Lang::Fr { d.french() } else { d.iso() }
}

/// The rights checkboxes and site choice of a decision form (ids suffixed to stay unique).
#[component]
pub fn RightsAndSites(
    /// Suffix of element ids.
    suffix: String,
    /// Rights to start with.
    rights: Rights,
    /// Scope to start with.
    scope: SiteScope,
    /// The structure's sites.
    sites: Vec<SiteInfo>,
    /// Interface language.
    lang: Lang,
    /// Error for the sites, if any.
    #[prop(optional)]
    error: Option<String>,
) -> impl IntoView {
    let r_id = format!("results-{suffix}");
    let i_id = format!("invoices-{suffix}");
    let all_id = format!("all-{suffix}");
    let some_id = format!("some-{suffix}");
    view! {
        <fieldset>
            <legend>{lang.t("Droits", "Rights")}</legend>
            <div class="check"><input type="checkbox" id=r_id.clone() name="results" value="on" checked=rights.results/><label for=r_id>{lang.t("Résultats", "Results")}</label></div>
            <div class="check"><input type="checkbox" id=i_id.clone() name="invoices" value="on" checked=rights.invoices/><label for=i_id>{lang.t("Factures", "Invoices")}</label></div>
        </fieldset>
        <fieldset>
            <legend>{lang.t("Sites", "Sites")}</legend>
            <div class="check"><input type="radio" id=all_id.clone() name="sites_mode" value="all" checked=scope.is_all()/><label for=all_id>{lang.t("Tous les sites", "All sites")}</label></div>
            <div class="check"><input type="radio" id=some_id.clone() name="sites_mode" value="some" checked=!scope.is_all()/><label for=some_id>{lang.t("Une sélection de sites", "A selection of sites")}</label></div>
            {sites.into_iter().map(|s| {
                let id = format!("site-{}-{suffix}", s.id);
                let checked = scope.selected().contains(&s.id);
                view! {
                    <div class="check"><input type="checkbox" id=id.clone() name="sites[]" value=s.id.to_string() checked=checked/><label for=id>{format!("{} — {}", s.name, s.city)}</label></div>
                }
            }).collect_view()}
            <p class="field-error">{error}</p>
        </fieldset>
    }
}

fn describe_scope(scope: &SiteScope, sites: &[SiteInfo], lang: Lang) -> String {
    if scope.is_all() {
        return lang.t("tous les sites", "all sites").to_string();
    }
    sites.iter().filter(|s| scope.selected().contains(&s.id)).map(|s| s.name.clone()).collect::<Vec<_>>().join(", ")
}

/// A pending request, compact: who, what they asked; **Approuver** as asked in one tap;
/// the rights and sites to adjust, and the refusal, open on demand.
#[component]
fn RequestCard(request: RequestRow, sites: Vec<SiteInfo>, lang: Lang, sub: Submitted<Outcome>) -> impl IntoView {
    let id = request.id;
    let name = request.name();
    let sites_error = sub.outcome.clone().and_then(|o| o.ok()).and_then(|o| o.error_for(&format!("sites-{id}")));
    let reason_error =
        sub.outcome.clone().and_then(|o| o.ok()).and_then(|o| o.error_for(&crate::form::reason_field(id)));
    let asked = format!("{} — {}", request.rights.describe(lang), describe_scope(&request.scope, &sites, lang));
    view! {
        <article class="card request-card" aria-label=name.clone()>
            <h3>{name.clone()}</h3>
            <p class="meta">{match (&request.kind, &request.creator) {
                (crate::access_request::store::RequestKind::Shared, Some((_, first, _))) => match lang {
                    Lang::Fr => format!("Compte partagé {} demandé par {first} {} · ", request.email, request.last_name),
                    Lang::En => format!("Shared account {} asked by {first} {} · ", request.email, request.last_name),
                },
                _ => format!("{} · ", request.profile.label(lang)),
            }}{request.structure_name.clone()}" · "{lang.t("demande du ", "asked on ")}{day(request.created_at, lang)}</p>
            <p><strong>{lang.t("Demandé : ", "Asked: ")}</strong>{asked}</p>
            <PlainForm fn_path={<ApproveRequest as ServerFn>::PATH} page="/approbation-des-comptes">
                <input type="hidden" name="id" value=id.to_string()/>
                <details class="disclosure" open=sites_error.is_some()>
                    <summary>{lang.t("Ajuster les droits ou les sites", "Adjust the rights or sites")}</summary>
                    <RightsAndSites suffix=id.to_string() rights=request.rights scope=request.scope.clone() sites=sites lang=lang error=sites_error.clone().unwrap_or_default()/>
                </details>
                <div class="actions">
                    <button type="submit">{lang.t("Approuver", "Approve")}</button>
                    <div class="check">
                        <input type="checkbox" id=format!("select-{id}") form="bulk-approve" name="ids[]" value=id.to_string()/>
                        <label for=format!("select-{id}")>{lang.t("Sélectionner pour l'approbation groupée", "Select for approval in bulk")}</label>
                    </div>
                </div>
            </PlainForm>
            <details class="disclosure refusal" open=reason_error.is_some()>
                <summary>{lang.t("Ne pas approuver…", "Do not approve…")}</summary>
                <RefusalForm fn_path={<RefuseRequest as ServerFn>::PATH} page="/approbation-des-comptes" id=id sub=sub hint={lang.t("Obligatoire pour refuser ; il sera envoyé au demandeur.", "Needed to refuse; it is sent to the requester.")} lang=lang/>
            </details>
        </article>
    }
}

/// An active collaborator, one line: name, rights, sites; the edit form opens on demand.
#[component]
fn CollaboratorRow(member: pro::Member, chosen: Vec<i64>, sites: Vec<SiteInfo>, lang: Lang) -> impl IntoView {
    let scope = if member.all_sites.0 { SiteScope::All } else { SiteScope::Selected(chosen) };
    let summary = format!("{} — {}", member.rights().describe(lang), describe_scope(&scope, &sites, lang));
    let suffix = format!("u{}", member.user_id);
    let rights = member.rights();
    view! {
        <li class="collaborator" aria-label=member.name.clone()>
            <p><strong>{member.name.clone()}</strong><br/><span class="meta">{summary}</span></p>
            <details class="disclosure">
                <summary>{lang.t("Modifier les droits", "Change the rights")}</summary>
                <PlainForm fn_path={<UpdateCollaborator as ServerFn>::PATH} page="/approbation-des-comptes">
                    <input type="hidden" name="user_id" value=member.user_id.to_string()/>
                    <RightsAndSites suffix=suffix rights=rights scope=scope sites=sites lang=lang/>
                    <button type="submit" class="button-secondary">{lang.t("Enregistrer les droits", "Save the rights")}</button>
                </PlainForm>
                <PlainForm fn_path={<UpdateCollaborator as ServerFn>::PATH} page="/approbation-des-comptes" class="danger-zone">
                    <input type="hidden" name="user_id" value=member.user_id.to_string()/>
                    <input type="hidden" name="sites_mode" value="all"/>
                    <button type="submit" class="button-danger-secondary">{lang.t("Retirer les droits", "Withdraw the rights")}</button>
                </PlainForm>
            </details>
        </li>
    }
}

/// `/approbation-des-comptes`
#[component]
pub fn ApprovalPage() -> impl IntoView {
    let ctx = request_context();
    let lang = ctx.lang;
    let subs = [
        submitted::<Outcome>(<ApproveRequest as ServerFn>::PATH),
        submitted::<Outcome>(<ApproveRequests as ServerFn>::PATH),
        submitted::<Outcome>(<RefuseRequest as ServerFn>::PATH),
        submitted::<Outcome>(<UpdateCollaborator as ServerFn>::PATH),
    ];
    let sub = subs.into_iter().find(|s| s.outcome.is_some()).unwrap_or_default();
    Suspend::new(async move {
        let state = match app_state() {
            Ok(s) => s,
            Err(e) => return view! { <ErrorPage lang=lang error=e/> }.into_any(),
        };
        let structures = match crate::platform::guards::require_approver(&state, &ctx).await {
            Ok((_, s)) => s,
            Err(e) => return view! { <ErrorPage lang=lang error=e/> }.into_any(),
        };
        let load = async {
            let pending = requests::in_state(&state.db, RequestState::PendingApprover, Some(&structures), None).await?;
            let mut blocks = Vec::new();
            for s in &structures {
                let sites = crate::structures::store::sites(&state.db, *s).await?;
                let structure = crate::structures::store::find(&state.db, *s).await?;
                let members = pro::members(&state.db, *s).await?;
                let mut collaborators = Vec::new();
                for m in members.into_iter().filter(|m| {
                    m.profile == Profile::Collaborator && m.status == crate::domain::account::AccountStatus::Active
                }) {
                    let chosen = pro::chosen_sites(&state.db, m.user_id).await?;
                    collaborators.push((m, chosen));
                }
                blocks.push((*s, structure.map(|x| x.name).unwrap_or_default(), sites, collaborators));
            }
            Ok::<_, sqlx::Error>((pending, blocks))
        };
        let (pending, blocks) = match load.await {
            Ok(v) => v,
            Err(e) => {
                tracing::error!(error = %e, "approval page");
                return view! { <ErrorPage lang=lang error=AppError::Internal/> }.into_any();
            }
        };
        let count = pending.len();
        let sites_of =
            |structure: i64| blocks.iter().find(|b| b.0 == structure).map(|b| b.2.clone()).unwrap_or_default();
        let cards = pending
            .into_iter()
            .map(|r| {
                let sites = sites_of(r.structure_id);
                view! { <RequestCard request=r sites=sites lang=lang sub=sub.clone()/> }
            })
            .collect_view();
        view! {
            <Title text=lang.t("Approbation des comptes", "Account approval")/>
            <h1>{lang.t("Approbation des comptes", "Account approval")}</h1>
            <Notice outcome=outcome_of(&sub, lang)/>
            <section class="panel">
                <h2>{match lang { Lang::Fr => format!("Demandes en attente ({count})"), Lang::En => format!("Pending requests ({count})") }}</h2>
                {if count == 0 {
                    view! { <p>{lang.t("Aucune demande n'attend votre décision.", "No request awaits your decision.")}</p> }.into_any()
                } else {
                    view! {
                        <ul class="cards">{cards}</ul>
                        <PlainForm fn_path={<ApproveRequests as ServerFn>::PATH} page="/approbation-des-comptes" class="bulk-bar" id="bulk-approve">
                            <input type="hidden" name="form_id" value="bulk"/>
                            <h3>{lang.t("Approbation groupée", "Approval in bulk")}</h3>
                            <p class="hint">{lang.t(
                                "Cochez « Sélectionner pour l'approbation groupée » sur plusieurs demandes pour les approuver d'un coup, telles que demandées.",
                                "Tick “Select for approval in bulk” on several requests to approve them at once, as asked.",
                            )}</p>
                            <button type="submit" class="button-secondary">{lang.t("Approuver la sélection", "Approve the selection")}</button>
                        </PlainForm>
                    }.into_any()
                }}
            </section>
            {blocks.clone().into_iter().map(|(_, name, sites, collaborators)| view! {
                <section class="panel">
                    <h2>{lang.t("Collaborateurs actifs — ", "Active collaborators — ")}{name}</h2>
                    {if collaborators.is_empty() {
                        view! { <p>{lang.t("Aucun collaborateur actif pour l'instant.", "No active collaborator yet.")}</p> }.into_any()
                    } else {
                        view! { <ul class="collaborators">{collaborators.into_iter().map(|(m, chosen)| view! { <CollaboratorRow member=m chosen=chosen sites=sites.clone() lang=lang/> }).collect_view()}</ul> }.into_any()
                    }}
                </section>
            }).collect_view()}
        }
        .into_any()
    })
}
