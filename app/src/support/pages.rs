//! Support pages: `/support/demandes`, `/support/demandes/{id}`, `/support/structures`,
//! `/support/structures/{id}`.

use super::api::{DelegateApprover, ReissueAccessCode, RevokeDelegation, SupportRefuseRequest, ValidateRequest};
use crate::access_request::store::{self as requests, RequestRow};
use crate::approval::pages::day;
use crate::domain::access_request::{RequestState, Rights};
use crate::domain::account::AccountStatus;
use crate::error::AppError;
use crate::form::PlainForm;
use crate::form::{Outcome, Submitted};
use crate::i18n::Lang;
use crate::pages::errors::ErrorPage;
use crate::platform::guards::require_support;
use crate::platform::{AppState, app_state, request_context};
use crate::structures::lookup::SiteInfo;
use crate::ui::notice::Notice;
use crate::ui::plain::{RefusalForm, outcome_of};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use server_fn::ServerFn;

use crate::form::first_submission;

fn sites_text(scope: &crate::domain::access_request::SiteScope, sites: &[SiteInfo], lang: Lang) -> String {
    if scope.is_all() {
        return lang.t("tous les sites", "all sites").into();
    }
    sites.iter().filter(|s| scope.selected().contains(&s.id)).map(|s| s.name.clone()).collect::<Vec<_>>().join(", ")
}

fn asked_text(asked: &serde_json::Value, sites: &[SiteInfo], lang: Lang) -> String {
    let rights = Rights {
        results: asked["results"].as_bool().unwrap_or(false),
        invoices: asked["invoices"].as_bool().unwrap_or(false),
    };
    let scope = match &asked["sites"] {
        serde_json::Value::Array(ids) => {
            crate::domain::access_request::SiteScope::Selected(ids.iter().filter_map(|v| v.as_i64()).collect())
        }
        _ => crate::domain::access_request::SiteScope::All,
    };
    format!("{} — {}", rights.describe(lang), sites_text(&scope, sites, lang))
}

async fn guard(lang: Lang) -> Result<AppState, AnyView> {
    let ctx = request_context();
    if let Err(e) = require_support(&ctx) {
        return Err(view! { <ErrorPage lang=lang error=e/> }.into_any());
    }
    app_state().map_err(|e| view! { <ErrorPage lang=lang error=e/> }.into_any())
}

/// What support reads about a shared account's request: the establishment, the responsible,
/// who asked, and whether the shared address is confirmed.
#[component]
fn SharedDetails(row: crate::shared_accounts::store::SharedRow, request: RequestRow, lang: Lang) -> impl IntoView {
    let kind = crate::domain::identifiers::EstablishmentIdKind::parse(&row.identifier_kind)
        .map(|k| k.label(lang))
        .unwrap_or_default();
    let creator = request.creator.as_ref().map(|(email, first, _)| format!("{first} ({email})")).unwrap_or_default();
    view! {
        <p><span class="tag">{lang.t("Compte partagé", "Shared account")}</span>" "{row.email.clone()}</p>
        <p class="meta">{format!("{} — {kind} {} — {}, {} {} ({})", row.company_name, row.identifier, row.address, row.postcode, row.city, row.departement)}</p>
        <p class="meta">{lang.t("Responsable : ", "Responsible: ")}{format!("{} {} — {}{}", row.responsible_first_name, row.responsible_last_name,
            row.responsible_profession.label(lang), row.responsible_rpps.as_ref().map(|r| format!(" — RPPS {r}")).unwrap_or_default())}
            " · "{lang.t("demandé par ", "asked by ")}{creator}</p>
        {if row.email_verified_at.is_some() {
            view! { <p><span class="tag tag-ok">{lang.t("Adresse confirmée", "Address confirmed")}</span></p> }.into_any()
        } else {
            view! { <p><span class="tag tag-warn">{lang.t("Adresse pas encore confirmée par son lien", "Address not confirmed by its link yet")}</span></p> }.into_any()
        }}
    }
}

#[component]
fn PendingCard(
    request: RequestRow,
    sites: Vec<SiteInfo>,
    shared: Option<crate::shared_accounts::store::SharedRow>,
    lang: Lang,
    sub: Submitted<Outcome>,
) -> impl IntoView {
    let id = request.id;
    let asked = asked_text(&request.asked, &sites, lang);
    let now = format!("{} — {}", request.rights.describe(lang), sites_text(&request.scope, &sites, lang));
    let changed = asked != now;
    view! {
        <article class="card" aria-label=request.name()>
            <h3>{request.name()}</h3>
            <p class="meta">{if shared.is_some() { lang.t("Compte partagé", "Shared account") } else { request.profile.label(lang) }}" · "{request.structure_name.clone()}" · "{lang.t("demande du ", "asked on ")}{day(request.created_at, lang)}</p>
            {shared.map(|row| view! { <SharedDetails row=row request=request.clone() lang=lang/> })}
            <p><strong>{lang.t("Demandé : ", "Asked: ")}</strong>{asked}</p>
            {request.approved_by_name.clone().map(|by| view! {
                <p class=if changed { "notice notice-warn" } else { "" }>
                    <strong>{if changed { lang.t("Modifié et approuvé par ", "Changed and approved by ") } else { lang.t("Approuvé tel quel par ", "Approved as asked by ") }}{by}" : "</strong>{now.clone()}
                </p>
            })}
            <p><a href=format!("/support/demandes/{id}")>{lang.t("Historique de la demande", "Request history")}</a></p>
            <div class="actions">
                <PlainForm fn_path={<ValidateRequest as ServerFn>::PATH} page="/support/demandes">
                    <input type="hidden" name="id" value=id.to_string()/>
                    <button type="submit">{lang.t("Valider", "Validate")}</button>
                </PlainForm>
            </div>
            <RefusalForm fn_path={<SupportRefuseRequest as ServerFn>::PATH} page="/support/demandes" id=id sub=sub lang=lang/>
        </article>
    }
}

/// `/support/demandes`
#[component]
pub fn SupportRequestsPage() -> impl IntoView {
    let lang = request_context().lang;
    // The kind filter: every request, individual accounts, or shared accounts.
    let filter = crate::pages::query_param("type").unwrap_or_default();
    let kind = match filter.as_str() {
        "individuel" => Some(requests::RequestKind::Individual),
        "partage" => Some(requests::RequestKind::Shared),
        _ => None,
    };
    let sub = first_submission(&[
        <ValidateRequest as ServerFn>::PATH,
        <SupportRefuseRequest as ServerFn>::PATH,
        <ReissueAccessCode as ServerFn>::PATH,
    ]);
    Suspend::new(async move {
        let state = match guard(lang).await {
            Ok(s) => s,
            Err(v) => return v,
        };
        let load = async {
            let pending = requests::in_state(&state.db, RequestState::PendingSupport, None, kind).await?;
            let waiting = requests::in_state(&state.db, RequestState::PendingApprover, None, kind).await?;
            let validated = requests::in_state(&state.db, RequestState::Validated, None, kind).await?;
            let mut validated_codes = Vec::new();
            for r in validated {
                let latest = match r.user_id {
                    Some(u) => crate::first_login::store::latest(&state, u).await?,
                    None => None,
                };
                validated_codes.push((r, latest));
            }
            let validated = validated_codes;
            let mut with_sites = Vec::new();
            for r in pending {
                let sites = crate::structures::store::sites(&state.db, r.structure_id).await?;
                let shared = match r.kind {
                    requests::RequestKind::Shared => {
                        crate::shared_accounts::store::find_by_request(&state.db, r.id).await?
                    }
                    requests::RequestKind::Individual => None,
                };
                with_sites.push((r, sites, shared));
            }
            Ok::<_, sqlx::Error>((with_sites, waiting, validated))
        };
        let Ok((pending, waiting, validated)) = load.await else {
            return view! { <ErrorPage lang=lang error=AppError::Internal/> }.into_any();
        };
        let count = pending.len();
        view! {
            <Title text=lang.t("Demandes à valider", "Requests to validate")/>
            <h1>{lang.t("Demandes d'accès", "Access requests")}</h1>
            <Notice outcome=outcome_of(&sub, lang)/>
            <form method="get" action="/support/demandes" class="filters panel" role="search">
                <div class="field">
                    <label for="type">{lang.t("Type de demande", "Kind of request")}</label>
                    <select id="type" name="type">
                        <option value="" selected=kind.is_none()>{lang.t("Toutes", "All")}</option>
                        <option value="individuel" selected=kind == Some(requests::RequestKind::Individual)>{lang.t("Comptes individuels", "Individual accounts")}</option>
                        <option value="partage" selected=kind == Some(requests::RequestKind::Shared)>{lang.t("Comptes partagés", "Shared accounts")}</option>
                    </select>
                </div>
                <button type="submit" class="button-secondary">{lang.t("Filtrer", "Filter")}</button>
            </form>
            <section class="panel">
                <h2>{match lang { Lang::Fr => format!("À valider ({count})"), Lang::En => format!("To validate ({count})") }}</h2>
                {if count == 0 {
                    view! { <p>{lang.t("Aucune demande n'attend de validation.", "No request awaits validation.")}</p> }.into_any()
                } else {
                    view! { <ul class="cards">{pending.into_iter().map(|(r, s, shared)| view! { <PendingCard request=r sites=s shared=shared lang=lang sub=sub.clone()/> }).collect_view()}</ul> }.into_any()
                }}
            </section>
            <section class="panel">
                <h2>{lang.t("Validées, en attente de première connexion", "Validated, awaiting first sign-in")}</h2>
                {if validated.is_empty() { Some(view! { <p>{lang.t("Aucune.", "None.")}</p> }) } else { None }}
                <ul class="cards">
                    {validated.into_iter().map(|(r, latest)| {
                        let id = r.id;
                        let now = state.now();
                        let code_state = match latest {
                            Some((_, expires, None)) if expires <= now => view! {
                                <p><span class="tag tag-warn">{lang.t("Code expiré", "Code expired")}</span></p>
                            }.into_any(),
                            Some((sent, expires, None)) => view! {
                                <p class="meta">{lang.t("Code envoyé le ", "Code sent on ")}{day(sent, lang)}
                                    {lang.t(", valable jusqu'au ", ", valid until ")}{day(expires, lang)}</p>
                            }.into_any(),
                            _ => ().into_any(),
                        };
                        view! {
                            <li class="card">
                                <h3>{r.name()}</h3>
                                <p class="meta">{r.structure_name.clone()}</p>
                                {code_state}
                                <p><a href=format!("/support/demandes/{id}")>{lang.t("Historique de la demande", "Request history")}</a></p>
                                <PlainForm fn_path={<ReissueAccessCode as ServerFn>::PATH} page="/support/demandes">
                                    <input type="hidden" name="id" value=id.to_string()/>
                                    <button type="submit" class="button-secondary">{lang.t("Renvoyer un code d'accès", "Send a new access code")}</button>
                                </PlainForm>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
            <section class="panel">
                <h2>{lang.t("En attente de l'approbateur", "Waiting for the approver")}</h2>
                <ul class="choices">
                    {waiting.into_iter().map(|r| view! {
                        <li><a href=format!("/support/demandes/{}", r.id)>{r.name()}</a>" — "{r.structure_name.clone()}" · "{day(r.created_at, lang)}</li>
                    }).collect_view()}
                </ul>
            </section>
        }
        .into_any()
    })
}

/// `/support/demandes/{id}`: the request and its history.
#[component]
pub fn SupportRequestPage() -> impl IntoView {
    let lang = request_context().lang;
    let id = use_params_map().with_untracked(|p| p.get("id").and_then(|v| v.parse::<i64>().ok())).unwrap_or(0);
    Suspend::new(async move {
        let state = match guard(lang).await {
            Ok(s) => s,
            Err(v) => return v,
        };
        let Ok(Some(request)) = requests::find(&state.db, id).await else {
            return view! { <crate::pages::errors::NotFound lang=lang/> }.into_any();
        };
        let history = crate::platform::audit::history(&state.db, "access_request", id).await.unwrap_or_default();
        view! {
            <Title text=lang.t("Historique de la demande", "Request history")/>
            <h1>{request.name()}</h1>
            <section class="panel">
                <p class="meta">{if request.kind == requests::RequestKind::Shared { lang.t("Compte partagé", "Shared account") } else { request.profile.label(lang) }}" · "{request.structure_name.clone()}" · "{request.email.clone()}" · "{request.phone.clone()}</p>
                <p><strong>{lang.t("État : ", "State: ")}</strong>{request.state.label(lang)}</p>
                {request.refusal_reason.clone().map(|r| view! { <p><strong>{lang.t("Motif du refus : ", "Reason for refusal: ")}</strong>{r}</p> })}
            </section>
            <section class="panel">
                <h2>{lang.t("Historique", "History")}</h2>
                <div class="table-wrap">
                    <table class="responsive">
                        <thead><tr><th>{lang.t("Date", "Date")}</th><th>{lang.t("Par", "By")}</th><th>{lang.t("Action", "Action")}</th><th>{lang.t("Détails", "Details")}</th></tr></thead>
                        <tbody>
                            {history.into_iter().map(|h| view! {
                                <tr>
                                    <td data-label=lang.t("Date", "Date")>{crate::pages::date_time(h.at, lang)}</td>
                                    <td data-label=lang.t("Par", "By")>{h.actor_name.unwrap_or_else(|| lang.t("le demandeur ou le système", "the requester or the system").into())}</td>
                                    <td data-label=lang.t("Action", "Action")>{crate::platform::audit::describe(&h.action, lang)}</td>
                                    <td data-label=lang.t("Détails", "Details")>{crate::platform::audit::describe_details(&h.details, lang)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </section>
            <p><a href="/support/demandes">{lang.t("Retour aux demandes", "Back to the requests")}</a></p>
        }
        .into_any()
    })
}

/// `/support/structures`
#[component]
pub fn SupportStructuresPage() -> impl IntoView {
    let lang = request_context().lang;
    Suspend::new(async move {
        let state = match guard(lang).await {
            Ok(s) => s,
            Err(v) => return v,
        };
        let rows = match crate::structures::store::overview(&state.db).await {
            Ok(rows) => rows,
            Err(e) => return view! { <ErrorPage lang=lang error=crate::error::FlowError::from(e).into()/> }.into_any(),
        };
        view! {
            <Title text=lang.t("Structures", "Structures")/>
            <h1>{lang.t("Structures", "Structures")}</h1>
            <section class="panel">
                <div class="table-wrap">
                    <table class="responsive">
                        <thead><tr><th>{lang.t("Code correspondant", "Correspondent code")}</th><th>{lang.t("Structure", "Structure")}</th><th>{lang.t("Sites migrés", "Migrated sites")}</th></tr></thead>
                        <tbody>
                            {rows.into_iter().map(|r| {
                                let crate::structures::store::StructureSummary { id, correspondent_code: code, name, sites, migrated } = r;
                                view! { <tr>
                                    <td data-label=lang.t("Code correspondant", "Correspondent code")><a href=format!("/support/structures/{id}")>{code}</a></td>
                                    <td data-label=lang.t("Structure", "Structure")>{name}</td>
                                    <td data-label=lang.t("Sites migrés", "Migrated sites")>{format!("{migrated} / {sites}")}</td>
                                </tr> }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </section>
        }
        .into_any()
    })
}

/// `/support/structures/{id}`: sites (migration), approvers and delegations.
#[component]
pub fn SupportStructurePage() -> impl IntoView {
    let lang = request_context().lang;
    let id = use_params_map().with_untracked(|p| p.get("id").and_then(|v| v.parse::<i64>().ok())).unwrap_or(0);
    let sub = first_submission(&[<DelegateApprover as ServerFn>::PATH, <RevokeDelegation as ServerFn>::PATH]);
    Suspend::new(async move {
        let state = match guard(lang).await {
            Ok(s) => s,
            Err(v) => return v,
        };
        let Ok(Some(structure)) = crate::structures::store::find(&state.db, id).await else {
            return view! { <crate::pages::errors::NotFound lang=lang/> }.into_any();
        };
        let sites = crate::structures::store::site_migrations(&state.db, id).await.unwrap_or_default();
        let biologists: Vec<String> = crate::professional::store::members(&state.db, id)
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|m| {
                m.profile == crate::domain::access_request::Profile::Biologist && m.status == AccountStatus::Active
            })
            .map(|m| m.name)
            .collect();
        let delegations = crate::professional::store::delegations(&state.db, id).await.unwrap_or_default();
        let approvers = crate::structures::store::approvers(&state.db, id).await.unwrap_or_default();
        let candidates: Vec<crate::professional::store::Member> = crate::professional::store::members(&state.db, id)
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|m| m.status == AccountStatus::Active && !approvers.iter().any(|a| a.id == m.user_id))
            .collect();
        let page = format!("/support/structures/{id}");
        view! {
            <Title text=structure.name.clone()/>
            <h1>{structure.name.clone()}" ("{structure.code.clone()}")"</h1>
            <Notice outcome=outcome_of(&sub, lang)/>
            <section class="panel">
                <h2>{lang.t("Sites", "Sites")}</h2>
                <ul class="choices">
                    {sites.into_iter().map(|s| {
                        let crate::structures::store::SiteMigration { name, city, migrated_at: migrated, .. } = s;
                        view! {
                            <li>{format!("{name} — {city} ")}
                                {match migrated {
                                    Some(at) => view! { <span class="tag tag-ok">{lang.t("Migré le ", "Migrated on ")}{day(at, lang)}</span> }.into_any(),
                                    None => view! { <span class="tag tag-off">{lang.t("Pas encore migré", "Not migrated yet")}</span> }.into_any(),
                                }}
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <p class="hint">{lang.t(
                    "Un site est migré dès qu'un premier compte professionnel y est activé : l'ancien serveur de résultats doit alors être coupé pour ce site.",
                    "A site is migrated as soon as a first professional account is activated on it: the old results server must then be switched off for that site.",
                )}</p>
            </section>
            <section class="panel">
                <h2>{lang.t("Approbateurs", "Approvers")}</h2>
                <p><strong>{lang.t("Biologistes : ", "Biologists: ")}</strong>{if biologists.is_empty() { lang.t("aucun inscrit", "none registered").to_string() } else { biologists.join(", ") }}</p>
                <h3>{lang.t("Délégations", "Delegations")}</h3>
                <ul class="cards">
                    {delegations.into_iter().map(|d| {
                        let crate::professional::store::Delegation { id: did, name, granted_at: at } = d;
                        let page = page.clone();
                        view! {
                            <li class="card">
                                <p>{name}" · "{lang.t("depuis le ", "since ")}{day(at, lang)}</p>
                                <PlainForm fn_path={<RevokeDelegation as ServerFn>::PATH} page=page>
                                    <input type="hidden" name="delegation_id" value=did.to_string()/>
                                    <button type="submit" class="button-danger">{lang.t("Retirer la délégation", "Withdraw the delegation")}</button>
                                </PlainForm>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                {if candidates.is_empty() {
                    view! { <p class="muted">{lang.t("Aucun autre utilisateur actif de la structure ne peut être désigné.", "No other active user of the structure can be designated.")}</p> }.into_any()
                } else {
                    view! {
                        <PlainForm fn_path={<DelegateApprover as ServerFn>::PATH} page=page.clone()>
                            <input type="hidden" name="structure_id" value=id.to_string()/>
                            <div class="field">
                                <label for="delegate">{lang.t("Désigner un approbateur", "Designate an approver")}</label>
                                <select id="delegate" name="user_id">
                                    {candidates.into_iter().map(|m| view! { <option value=m.user_id.to_string()>{m.name}</option> }).collect_view()}
                                </select>
                            </div>
                            <button type="submit" class="button-secondary">{lang.t("Désigner", "Designate")}</button>
                        </PlainForm>
                    }.into_any()
                }}
            </section>
        }
        .into_any()
    })
}
