//! `/admin/utilisateurs`, `/admin/utilisateurs/nouveau`, `/admin/utilisateurs/{id}` and
//! `/confirmer-email`.

use super::api::{
    ChangeEmail, ConfirmEmail, CreateUser, DeactivateUser, EditIdentity, ReactivateUser, ResendInvitation,
    ResetSecondFactor,
};
use crate::accounts::store::{self as list, Filter, PAGE_SIZE, Role};
use crate::approval::pages::day;
use crate::domain::account::{AccountStatus, UserKind};
use crate::error::AppError;
use crate::form::PlainForm;
use crate::form::{NoticeKind, Outcome, submitted};
use crate::i18n::Lang;
use crate::pages::errors::ErrorPage;
use crate::pages::{query_param, url_encode};
use crate::platform::guards::require_support;
use crate::platform::{AppState, app_state, request_context};
use crate::ui::fields::Required;
use crate::ui::notice::Notice;
use crate::ui::plain::{Input, outcome_of};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use server_fn::ServerFn;

async fn guard(lang: Lang) -> Result<(AppState, crate::platform::session::CurrentUser), AnyView> {
    let ctx = request_context();
    let agent = require_support(&ctx).map_err(|e| view! { <ErrorPage lang=lang error=e/> }.into_any())?;
    let state = app_state().map_err(|e| view! { <ErrorPage lang=lang error=e/> }.into_any())?;
    Ok((state, agent))
}

fn status_tag(status: AccountStatus, lang: Lang) -> impl IntoView {
    let class = match status {
        AccountStatus::Active => "tag tag-ok",
        AccountStatus::Deactivated => "tag tag-off",
        AccountStatus::InvitationExpired => "tag tag-warn",
        _ => "tag",
    };
    view! { <span class=class>{status.label(lang)}</span> }
}

fn admin_badge(lang: Lang) -> impl IntoView {
    view! { <span class="tag tag-admin" title=lang.t("Administrateur", "Administrator")>{lang.t("Administrateur", "Administrator")}</span> }
}

/// `/admin/utilisateurs`
#[component]
pub fn UsersPage() -> impl IntoView {
    let lang = request_context().lang;
    let q = query_param("q").unwrap_or_default();
    let status_param = query_param("statut").unwrap_or_default();
    let kind_param = query_param("type").unwrap_or_default();
    let structure_param = query_param("structure").unwrap_or_default();
    let role_param = query_param("role").unwrap_or_default();
    let page = query_param("page").and_then(|p| p.parse::<i64>().ok()).unwrap_or(1).max(1);
    let filter = Filter {
        q: q.clone(),
        status: AccountStatus::parse(&status_param),
        kind: UserKind::parse(&kind_param),
        structure: structure_param.parse().ok(),
        role: Role::parse(&role_param),
        page,
    };
    Suspend::new(async move {
        let (state, _) = match guard(lang).await {
            Ok(v) => v,
            Err(v) => return v,
        };
        let structures: Vec<(i64, String)> = structure_choices(&state).await;
        let result = match list::list_page(&state.db, &filter).await {
            Ok(p) => p,
            Err(e) => {
                tracing::error!(error = %e, "user list");
                return view! { <ErrorPage lang=lang error=AppError::Internal/> }.into_any();
            }
        };
        let pages = ((result.total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
        let link = |p: i64| {
            format!(
                "/admin/utilisateurs?q={}&statut={}&type={}&structure={}&role={}&page={p}",
                url_encode(&q),
                url_encode(&status_param),
                url_encode(&kind_param),
                url_encode(&structure_param),
                url_encode(&role_param)
            )
        };
        let (prev, next) = (link(page - 1), link(page + 1));
        let option = |value: &'static str, label: &'static str, current: &str| {
            let selected = value == current;
            view! { <option value=value selected=selected>{label}</option> }
        };
        view! {
            <Title text=lang.t("Utilisateurs", "Users")/>
            <h1>{lang.t("Utilisateurs", "Users")}</h1>
            <p class="actions"><a class="button" href="/admin/utilisateurs/nouveau">{lang.t("Créer un utilisateur", "Create a user")}</a></p>
            <section class="panel">
                <form method="get" action="/admin/utilisateurs" class="filters" role="search">
                    <div class="field">
                        <label for="q">{lang.t("Rechercher", "Search")}</label>
                        <input id="q" name="q" type="search" value=q.clone() placeholder=lang.t("Nom, prénom ou adresse e-mail", "Name or e-mail address")/>
                    </div>
                    <div class="field">
                        <label for="statut">{lang.t("Statut", "Status")}</label>
                        <select id="statut" name="statut">
                            {option("", lang.t("Tous", "All"), &status_param)}
                            {AccountStatus::ALL.iter().filter(|s| **s != AccountStatus::Unverified).map(|s| option(s.as_str(), s.label(lang), &status_param)).collect_view()}
                            {option("unverified", AccountStatus::Unverified.label(lang), &status_param)}
                        </select>
                    </div>
                    <div class="field">
                        <label for="type">{lang.t("Type", "Kind")}</label>
                        <select id="type" name="type">
                            {option("", lang.t("Tous", "All"), &kind_param)}
                            {option("patient", UserKind::Patient.label(lang), &kind_param)}
                            {option("professional", UserKind::Professional.label(lang), &kind_param)}
                            {option("support", UserKind::Support.label(lang), &kind_param)}
                            {option("shared", UserKind::Shared.label(lang), &kind_param)}
                            {option("front_desk", UserKind::FrontDesk.label(lang), &kind_param)}
                        </select>
                    </div>
                    <div class="field">
                        <label for="structure">{lang.t("Structure", "Structure")}</label>
                        <select id="structure" name="structure">
                            <option value="">{lang.t("Toutes", "All")}</option>
                            {structures.into_iter().map(|(id, label)| {
                                let selected = structure_param == id.to_string();
                                view! { <option value=id.to_string() selected=selected>{label}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="role">{lang.t("Rôle", "Role")}</label>
                        <select id="role" name="role">
                            {option("", lang.t("Tous", "All"), &role_param)}
                            {option("admin", lang.t("Administrateur", "Administrator"), &role_param)}
                            {option("biologist", lang.t("Biologiste", "Biologist"), &role_param)}
                            {option("collaborator", lang.t("Collaborateur", "Collaborator"), &role_param)}
                        </select>
                    </div>
                    <button type="submit">{lang.t("Filtrer", "Filter")}</button>
                </form>
                <p class="meta">{match lang { Lang::Fr => format!("{} compte(s)", result.total), Lang::En => format!("{} account(s)", result.total) }}</p>
                <div class="table-wrap">
                    <table class="responsive">
                        <thead><tr>
                            <th>{lang.t("Nom", "Name")}</th><th>{lang.t("Adresse e-mail", "E-mail address")}</th><th>{lang.t("Type", "Kind")}</th>
                            <th>{lang.t("Structure", "Structure")}</th><th>{lang.t("Statut", "Status")}</th>
                        </tr></thead>
                        <tbody>
                            {result.rows.into_iter().map(|r| view! {
                                <tr>
                                    <td><a href=format!("/admin/utilisateurs/{}", r.id)>{r.name()}</a>" "{r.is_admin.0.then(|| admin_badge(lang))}</td>
                                    <td data-label=lang.t("Adresse e-mail", "E-mail address")>{r.email.clone()}</td>
                                    <td data-label=lang.t("Type", "Kind")>{r.kind.label(lang)}</td>
                                    {r.structure_name.clone().map(|s| view! { <td data-label=lang.t("Structure", "Structure")>{s}</td> })}
                                    {r.structure_name.is_none().then(|| view! { <td class="empty-cell"></td> })}
                                    <td data-label=lang.t("Statut", "Status")>{status_tag(r.status, lang)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <nav class="pager" aria-label=lang.t("Pages", "Pages")>
                    {(page > 1).then(|| view! { <a href=prev rel="prev">{lang.t("← Précédente", "← Previous")}</a> })}
                    <span>{match lang { Lang::Fr => format!("Page {page} sur {pages}"), Lang::En => format!("Page {page} of {pages}") }}</span>
                    {(page < pages).then(|| view! { <a href=next rel="next">{lang.t("Suivante →", "Next →")}</a> })}
                </nav>
            </section>
        }
        .into_any()
    })
}

use crate::form::first_submission;

/// `/admin/utilisateurs/{id}`
#[component]
pub fn UserPage() -> impl IntoView {
    let lang = request_context().lang;
    let id = use_params_map().with_untracked(|p| p.get("id").and_then(|v| v.parse::<i64>().ok())).unwrap_or(0);
    let sub = first_submission(&[
        <ResendInvitation as ServerFn>::PATH,
        <DeactivateUser as ServerFn>::PATH,
        <ReactivateUser as ServerFn>::PATH,
        <EditIdentity as ServerFn>::PATH,
        <ChangeEmail as ServerFn>::PATH,
        <ResetSecondFactor as ServerFn>::PATH,
        <crate::shared_accounts::api::SupportChangeResponsible as ServerFn>::PATH,
    ]);
    let created = query_param("cree").is_some();
    Suspend::new(async move {
        let (state, _) = match guard(lang).await {
            Ok(v) => v,
            Err(v) => return v,
        };
        let Some(row) = list::admin_view(&state.db, id).await.ok().flatten() else {
            return view! { <crate::pages::errors::NotFound lang=lang/> }.into_any();
        };
        let (status, kind, is_admin, totp) = (row.status, row.kind, row.is_admin.0, row.totp_enabled_at);
        let (invited_at, reminders, created_at) = (row.invited_at, row.invitation_reminders, row.created_at);
        let (first, last, title) = (row.first_name, row.last_name, row.job_title.unwrap_or_default());
        let email = row.email;
        let pending_email = row.pending_email;
        let sessions = crate::platform::session::count_for_user(&state.db, id, state.now()).await.unwrap_or(0);
        let history = crate::platform::audit::history(&state.db, "user", id).await.unwrap_or_default();
        let access = crate::professional::store::access_of(&state.db, id).await.ok().flatten();
        let access_view = match access {
            Some(a) => {
                let structure = crate::structures::store::find(&state.db, a.structure_id)
                    .await
                    .ok()
                    .flatten()
                    .map(|s| s.name)
                    .unwrap_or_default();
                let sites = crate::professional::store::visible_sites(&state.db, &a).await.unwrap_or_default();
                let scope = if a.scope.is_all() {
                    lang.t("tous les sites", "all sites").to_string()
                } else {
                    sites.iter().map(|s| s.name.clone()).collect::<Vec<_>>().join(", ")
                };
                Some(view! {
                    <section class="panel">
                        <h2>{lang.t("Structure et droits", "Structure and rights")}</h2>
                        <p>{structure}" · "{a.profile.label(lang)}</p>
                        <p>{lang.t("Droits : ", "Rights: ")}{a.rights.describe(lang)}" · "{lang.t("Sites : ", "Sites: ")}{scope}</p>
                    </section>
                })
            }
            None => None,
        };
        let outcome = outcome_of(&sub, lang);
        let err = |f: &str| outcome.as_ref().and_then(|o| o.error_for(f)).unwrap_or_default();
        let (reason_err, last_err, first_err, title_err, email_err) =
            (err("reason"), err("last_name"), err("first_name"), err("job_title"), err("new_email"));
        let page = format!("/admin/utilisateurs/{id}");
        let uid = id;
        view! {
            <Title text=format!("{first} {last}").trim().to_string()/>
            <h1>{format!("{first} {last}").trim().to_string()}" "{is_admin.then(|| admin_badge(lang))}</h1>
            {created.then(|| view! { <Notice outcome=Some(Outcome::notice(NoticeKind::Success, lang.t("Le compte est créé et l'invitation envoyée.", "The account is created and the invitation sent.")))/> })}
            <Notice outcome=outcome.clone()/>
            <section class="panel">
                <h2>{lang.t("Statut", "Status")}</h2>
                <p>{status_tag(status, lang)}" · "{kind.label(lang)}" · "{lang.t("créé le ", "created on ")}{day(created_at, lang)}</p>
                {invited_at.filter(|_| matches!(status, AccountStatus::InvitationSent | AccountStatus::InvitationExpired)).map(|at| view! {
                    <p class="meta">{lang.t("Invitation du ", "Invitation of ")}{day(at, lang)}" · "{match lang { Lang::Fr => format!("{reminders} relance(s) sur 3"), Lang::En => format!("{reminders} of 3 reminders") }}</p>
                })}
                <p class="meta">{match lang { Lang::Fr => format!("Sessions ouvertes : {sessions}"), Lang::En => format!("Open sessions: {sessions}") }}</p>
                <div class="actions">
                    {matches!(status, AccountStatus::InvitationSent | AccountStatus::InvitationExpired).then(|| view! {
                        <PlainForm fn_path={<ResendInvitation as ServerFn>::PATH} page=page.clone()>
                            <input type="hidden" name="user_id" value=uid.to_string()/>
                            <button type="submit">{lang.t("Renvoyer l'invitation", "Resend the invitation")}</button>
                        </PlainForm>
                    })}
                </div>
                {if status == AccountStatus::Deactivated {
                    view! {
                        <PlainForm fn_path={<ReactivateUser as ServerFn>::PATH} page=page.clone()>
                            <input type="hidden" name="user_id" value=uid.to_string()/>
                            <div class="field">
                                <label for="reason">{lang.t("Motif", "Reason")}</label><Required/>
                                <textarea id="reason" name="reason" required=true maxlength="1000"></textarea>
                                <p class="field-error">{reason_err.clone()}</p>
                            </div>
                            <button type="submit">{lang.t("Réactiver", "Reactivate")}</button>
                        </PlainForm>
                    }.into_any()
                } else {
                    view! {
                        <PlainForm fn_path={<DeactivateUser as ServerFn>::PATH} page=page.clone()>
                            <input type="hidden" name="user_id" value=uid.to_string()/>
                            <div class="field">
                                <label for="reason">{lang.t("Motif", "Reason")}</label><Required/>
                                <textarea id="reason" name="reason" required=true maxlength="1000"></textarea>
                                <p class="field-error">{reason_err.clone()}</p>
                            </div>
                            <button type="submit" class="button-danger">{lang.t("Désactiver", "Deactivate")}</button>
                        </PlainForm>
                    }.into_any()
                }}
            </section>
            {(kind == UserKind::Shared).then(|| view! {
                <crate::shared_accounts::pages::SharedAccountAdmin account_id=uid page=page.clone() outcome=outcome.clone() lang=lang/>
            })}
            {(kind != UserKind::Shared).then(|| view! {
            <section class="panel">
                <h2>{lang.t("Identité", "Identity")}</h2>
                <PlainForm fn_path={<EditIdentity as ServerFn>::PATH} page=page.clone()>
                    <input type="hidden" name="user_id" value=uid.to_string()/>
                    <Input id="last_name" name="last_name" label=lang.t("Nom", "Last name") value=last.clone() error=last_err/>
                    <Input id="first_name" name="first_name" label=lang.t("Prénom", "First name") value=first.clone() error=first_err/>
                    <Input id="job_title" name="job_title" label=lang.t("Fonction", "Job title") value=title required=false error=title_err/>
                    <button type="submit" class="button-secondary">{lang.t("Enregistrer", "Save")}</button>
                </PlainForm>
                <h3>{lang.t("Adresse e-mail", "E-mail address")}</h3>
                <p>{email}</p>
                {pending_email.map(|p| view! { <p class="notice notice-info">{lang.t("En attente de confirmation : ", "Awaiting confirmation: ")}{p}</p> })}
                <PlainForm fn_path={<ChangeEmail as ServerFn>::PATH} page=page.clone()>
                    <input type="hidden" name="user_id" value=uid.to_string()/>
                    <Input id="new_email" name="new_email" label=lang.t("Nouvelle adresse e-mail", "New e-mail address") input_type="email" error=email_err
                        hint=lang.t("La nouvelle adresse recevra un lien de confirmation ; l'ancienne reste active d'ici là.", "The new address receives a confirmation link; the old one stays until then.")/>
                    <button type="submit" class="button-secondary">{lang.t("Changer l'adresse e-mail", "Change the e-mail address")}</button>
                </PlainForm>
            </section>
            })}
            {access_view}
            {(kind != UserKind::Shared).then(|| view! {
            <section class="panel">
                <h2>{lang.t("Second facteur", "Second factor")}</h2>
                {match totp {
                    Some(at) => view! {
                        <p>{lang.t("Application d'authentification activée le ", "Authenticator app enabled on ")}{day(at, lang)}</p>
                        <PlainForm fn_path={<ResetSecondFactor as ServerFn>::PATH} page=page.clone()>
                            <input type="hidden" name="user_id" value=uid.to_string()/>
                            <button type="submit" class="button-danger">{lang.t("Réinitialiser le second facteur", "Reset the second factor")}</button>
                        </PlainForm>
                    }.into_any(),
                    None => view! { <p>{lang.t("Aucun second facteur configuré.", "No second factor set up.")}</p> }.into_any(),
                }}
            </section>
            })}
            <section class="panel">
                <h2>{lang.t("Historique", "History")}</h2>
                <div class="table-wrap">
                    <table class="responsive">
                        <thead><tr><th>{lang.t("Date", "Date")}</th><th>{lang.t("Par", "By")}</th><th>{lang.t("Action", "Action")}</th><th>{lang.t("Détails", "Details")}</th></tr></thead>
                        <tbody>
                            {history.into_iter().map(|h| view! {
                                <tr>
                                    <td data-label=lang.t("Date", "Date")>{crate::pages::date_time(h.at, lang)}</td>
                                    <td data-label=lang.t("Par", "By")>{h.actor_name.unwrap_or_else(|| lang.t("système", "system").into())}</td>
                                    <td data-label=lang.t("Action", "Action")>{crate::platform::audit::describe(&h.action, lang)}</td>
                                    <td data-label=lang.t("Détails", "Details")>{crate::platform::audit::describe_details(&h.details, lang)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </section>
            <p><a href="/admin/utilisateurs">{lang.t("Retour à la liste", "Back to the list")}</a></p>
        }
        .into_any()
    })
}

/// Every structure as (id, "code — name"), for the structure choices of the list filter and
/// the new-user form.
async fn structure_choices(state: &crate::platform::AppState) -> Vec<(i64, String)> {
    crate::structures::store::choices(&state.db).await.unwrap_or_default()
}

/// `/admin/utilisateurs/nouveau`
#[component]
pub fn NewUserPage() -> impl IntoView {
    let lang = request_context().lang;
    let sub = submitted::<Outcome>(<CreateUser as ServerFn>::PATH);
    Suspend::new(async move {
        let (state, agent) = match guard(lang).await {
            Ok(v) => v,
            Err(v) => return v,
        };
        let structures: Vec<(i64, String)> = structure_choices(&state).await;
        let outcome = outcome_of(&sub, lang);
        let err = {
            let outcome = outcome.clone();
            move |f: &str| outcome.as_ref().and_then(|o| o.error_for(f)).unwrap_or_default()
        };
        let kind = sub.value_or("kind", "professional");
        let chosen_structure = sub.value("structure");
        let profile = sub.value_or("profile", "collaborator");
        view! {
            <Title text=lang.t("Créer un utilisateur", "Create a user")/>
            <section class="panel narrow">
                <h1>{lang.t("Créer un utilisateur", "Create a user")}</h1>
                <p class="form-intro">{lang.t(
                    "La personne reçoit une invitation par e-mail (valable 14 jours, 3 relances automatiques) pour choisir son mot de passe ; à sa première connexion, elle accepte les conditions d'utilisation.",
                    "The person receives an e-mail invitation (valid 14 days, 3 automatic reminders) to choose their password; at their first sign-in they accept the terms of use.",
                )}</p>
                <Notice outcome=outcome.clone()/>
                <PlainForm fn_path={<CreateUser as ServerFn>::PATH} page="/admin/utilisateurs/nouveau">
                    <Input id="email" name="email" label=lang.t("Adresse e-mail", "E-mail address") input_type="email" value=sub.value("email") error=err("email")/>
                    <Input id="last_name" name="last_name" label=lang.t("Nom", "Last name") value=sub.value("last_name") error=err("last_name")/>
                    <Input id="first_name" name="first_name" label=lang.t("Prénom", "First name") value=sub.value("first_name") error=err("first_name")/>
                    <Input id="job_title" name="job_title" label=lang.t("Fonction", "Job title") value=sub.value("job_title") required=false error=err("job_title")/>
                    <fieldset>
                        <legend>{lang.t("Type de compte", "Kind of account")}</legend>
                        <label class="check"><input type="radio" name="kind" value="professional" checked=kind == "professional"/>{lang.t("Professionnel de laboratoire", "Lab professional")}</label>
                        <label class="check"><input type="radio" name="kind" value="front_desk" checked=kind == "front_desk"/>{lang.t("Accueil (réédition des codes d'activation au comptoir)", "Front desk (re-issuing activation codes at the counter)")}</label>
                        {agent.is_admin.then(|| view! {
                            <label class="check"><input type="radio" name="kind" value="support" checked=kind == "support"/>{lang.t("Support", "Support")}</label>
                            <label class="check"><input type="checkbox" name="is_admin" value="on"/>{lang.t("Administrateur", "Administrator")}</label>
                        })}
                        <p class="field-error">{err("kind")}</p>
                    </fieldset>
                    <fieldset>
                        <legend>{lang.t("Pour un professionnel", "For a professional")}</legend>
                        <div class="field">
                            <label for="structure">{lang.t("Structure", "Structure")}</label>
                            <select id="structure" name="structure">
                                <option value="">{lang.t("— Choisir —", "— Choose —")}</option>
                                {structures.into_iter().map(|(id, label)| {
                                    let selected = chosen_structure == id.to_string();
                                    view! { <option value=id.to_string() selected=selected>{label}</option> }
                                }).collect_view()}
                            </select>
                            <p class="field-error">{err("structure")}</p>
                        </div>
                        <label class="check"><input type="radio" name="profile" value="biologist" checked=profile == "biologist"/>{lang.t("Biologiste", "Biologist")}</label>
                        <label class="check"><input type="radio" name="profile" value="collaborator" checked=profile == "collaborator"/>{lang.t("Collaborateur", "Collaborator")}</label>
                        <div class="check"><input type="checkbox" id="results" name="results" value="on" checked=sub.checked_or("results", false)/><label for="results">{lang.t("Résultats", "Results")}</label></div>
                        <div class="check"><input type="checkbox" id="invoices" name="invoices" value="on" checked=sub.checked_or("invoices", false)/><label for="invoices">{lang.t("Factures", "Invoices")}</label></div>
                    </fieldset>
                    <button type="submit">{lang.t("Créer et envoyer l'invitation", "Create and send the invitation")}</button>
                </PlainForm>
            </section>
        }
        .into_any()
    })
}

/// `/confirmer-email?jeton=…`
#[component]
pub fn ConfirmEmailPage() -> impl IntoView {
    let lang = request_context().lang;
    let sub = submitted::<Outcome>(<ConfirmEmail as ServerFn>::PATH);
    let token = query_param("jeton").unwrap_or_else(|| sub.value("token"));
    view! {
        <Title text=lang.t("Confirmer ma nouvelle adresse", "Confirm my new address")/>
        <section class="panel narrow">
            <h1>{lang.t("Confirmer ma nouvelle adresse e-mail", "Confirm my new e-mail address")}</h1>
            <Notice outcome=outcome_of(&sub, lang)/>
            <PlainForm fn_path={<ConfirmEmail as ServerFn>::PATH} page=format!("/confirmer-email?jeton={token}")>
                <input type="hidden" name="token" value=token.clone()/>
                <button type="submit">{lang.t("Confirmer cette adresse", "Confirm this address")}</button>
            </PlainForm>
        </section>
    }
}
