//! Pages of shared accounts: `/comptes-partages` (mine, my invitations, my requests),
//! `/comptes-partages/nouveau` (the code, then the form), `/comptes-partages/confirmer`
//! (the shared address's link), `/comptes-partages/{id}` (members), `/annuaire` (the
//! correspondents' directory). All server-rendered; only three fields of the creation form
//! are islands (they check as the person types).

use super::api::{
    AnswerSharedInvitation, CancelSharedInvitation, ConfirmSharedAddress, ConfirmSharedCode, CreateSharedAccount,
    HandOverSharedAccount, InviteSharedMember, LeaveSharedAccount, RemoveSharedMember, ResendSharedAddressLink,
    SendSharedCode, SetSharedManager, SwitchAccount,
};
use super::islands::{EstablishmentIdField, PostcodeFields, ResponsibleIdFields};
use super::store as shared;
use crate::access_request::panel::SiteChoice;
use crate::access_request::store::RequestRow;
use crate::domain::access_request::RequestState;
use crate::domain::account::{AccountStatus, UserKind};
use crate::domain::identifiers::EstablishmentIdKind;
use crate::domain::shared_account::{Profession, SharedRole};
use crate::error::AppError;
use crate::form::PlainForm;
use crate::form::{Outcome, submitted};
use crate::i18n::Lang;
use crate::pages::errors::ErrorPage;
use crate::platform::{RequestContext, app_state, request_context};
use crate::ui::fields::{Required, RequiredNote};
use crate::ui::notice::Notice;
use crate::ui::plain::{Input, outcome_of};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use server_fn::ServerFn;

/// The first of these forms' submissions that has an outcome.
use crate::form::first_submission;

/// The one-click way back to one's own account (header, error pages).
#[component]
pub fn SwitchBackForm(
    /// Interface language.
    lang: Lang,
    /// The page to post to.
    #[prop(into)]
    page: String,
) -> impl IntoView {
    view! {
        <PlainForm fn_path={<SwitchAccount as ServerFn>::PATH} page=page class="inline-form">
            <input type="hidden" name="account" value=""/>
            <button type="submit" class="button-secondary">{lang.t("Revenir à mon compte", "Back to my account")}</button>
        </PlainForm>
    }
}

/// A button that switches to a shared account.
#[component]
fn UseAccountButton(lang: Lang, account_id: i64, #[prop(into)] page: String) -> impl IntoView {
    view! {
        <PlainForm fn_path={<SwitchAccount as ServerFn>::PATH} page=page class="inline-form">
            <input type="hidden" name="account" value=account_id.to_string()/>
            <button type="submit">{lang.t("Utiliser ce compte", "Use this account")}</button>
        </PlainForm>
    }
}

/// What a person acting for a shared account reads on a page meant for their own account.
fn acting_view(ctx: &RequestContext, lang: Lang) -> Option<AnyView> {
    let acting = ctx.acting.clone()?;
    let page = ctx.path.clone();
    Some(
        view! {
            <section class="panel narrow">
                <h1>{lang.t("Vous agissez pour un compte partagé", "You are acting for a shared account")}</h1>
                <p>{match lang {
                    Lang::Fr => format!("Cette page concerne votre compte individuel ; vous utilisez en ce moment le compte partagé « {} ».", acting.description),
                    Lang::En => format!("This page is about your individual account; you are using the shared account “{}” right now.", acting.description),
                }}</p>
                <SwitchBackForm lang=lang page=page/>
            </section>
        }
        .into_any(),
    )
}

/// A state of a shared account's request, as its author reads it.
fn request_status(r: &RequestRow, confirmed: bool, lang: Lang) -> String {
    let state = r.state.label(lang);
    match (r.state, confirmed) {
        (RequestState::PendingApprover | RequestState::PendingSupport, false) => match lang {
            Lang::Fr => format!("{state} — adresse du compte partagé pas encore confirmée"),
            Lang::En => format!("{state} — the shared account's address is not confirmed yet"),
        },
        (RequestState::Active, _) => lang.t("Compte partagé créé", "Shared account created").to_string(),
        (RequestState::Refused, _) => match (&r.refusal_reason, lang) {
            (Some(reason), Lang::Fr) => format!("{state} : « {reason} »"),
            (Some(reason), Lang::En) => format!("{state}: “{reason}”"),
            (None, _) => state.to_string(),
        },
        _ => state.to_string(),
    }
}

/// `/comptes-partages`
#[component]
pub fn SharedAccountsPage() -> impl IntoView {
    let ctx = request_context();
    let lang = ctx.lang;
    let title = lang.t("Comptes partagés", "Shared accounts");
    let sub = first_submission(&[
        <AnswerSharedInvitation as ServerFn>::PATH,
        <ResendSharedAddressLink as ServerFn>::PATH,
        <SwitchAccount as ServerFn>::PATH,
    ]);
    let outcome = outcome_of(&sub, lang).or_else(|| {
        crate::pages::query_param("demande").filter(|v| v == "envoyee").map(|_| {
            Outcome::notice(
                crate::form::NoticeKind::Success,
                lang.t(
                    "Votre demande de compte partagé est envoyée. Un lien de confirmation part à l'adresse du compte partagé : le compte sera créé une fois cette adresse confirmée et la demande validée.",
                    "Your shared account request is sent. A confirmation link goes to the shared account's address: the account is created once that address is confirmed and the request validated.",
                ),
            )
        })
    });
    Suspend::new(async move {
        if let Some(v) = acting_view(&ctx, lang) {
            return v;
        }
        let user = match crate::platform::guards::require_professional(&ctx) {
            Ok(u) => u,
            Err(e) => return view! { <ErrorPage lang=lang error=e/> }.into_any(),
        };
        let Ok(state) = app_state() else {
            return view! { <ErrorPage lang=lang error=AppError::Internal/> }.into_any();
        };
        let now = state.now();
        let email =
            crate::accounts::store::find_by_id(&state.db, user.id).await.ok().flatten().map(|u| u.email.to_lowercase());
        let (mine, invitations, requests) = match (
            shared::memberships(&state.db, user.id).await,
            shared::invitations_for(&state.db, &email.unwrap_or_default(), now).await,
            crate::access_request::store::shared_requests_by(&state.db, user.id).await,
        ) {
            (Ok(a), Ok(b), Ok(c)) => (a, b, c),
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
                return view! { <ErrorPage lang=lang error=e.into()/> }.into_any();
            }
        };
        let mut confirmed = Vec::new();
        for r in &requests {
            let row = shared::find_by_request(&state.db, r.id).await.ok().flatten();
            confirmed.push(row.is_some_and(|s| s.email_verified_at.is_some()));
        }
        view! {
            <Title text=title/>
            <h1>{title}</h1>
            <p class="form-intro">{lang.t(
                "Un compte partagé (le secrétariat d'un service, d'un cabinet, d'une pharmacie…) est utilisé par plusieurs personnes, chacune depuis son propre compte : personne ne partage de mot de passe.",
                "A shared account (a department's secretariat, a practice, a pharmacy…) is used by several people, each from their own account: nobody shares a password.",
            )}</p>
            <Notice outcome=Signal::stored(outcome.clone())/>
            <p><a class="button" href="/comptes-partages/nouveau">{lang.t("Créer un compte partagé", "Create a shared account")}</a>" "
               <a class="button button-secondary" href="/annuaire">{lang.t("Annuaire des correspondants", "Correspondents' directory")}</a></p>
            <section class="panel">
                <h2>{lang.t("Mes comptes partagés", "My shared accounts")}</h2>
                {if mine.is_empty() {
                    view! { <p class="meta">{lang.t("Vous n'êtes membre d'aucun compte partagé.", "You are not a member of any shared account.")}</p> }.into_any()
                } else {
                    view! {
                        <ul class="cards">
                            {mine.into_iter().map(|m| {
                                let active = m.status == AccountStatus::Active;
                                view! {
                                    <li class="card">
                                        <h3>{m.description.clone()}</h3>
                                        <p class="meta">{m.email.clone()}" · "{m.role.label(lang)}
                                            {(!active).then(|| view! { " · "<strong>{lang.t("désactivé par le support", "deactivated by support")}</strong> })}</p>
                                        <div class="actions">
                                            {active.then(|| view! { <UseAccountButton lang=lang account_id=m.account_id page="/comptes-partages"/> })}
                                            <a href=format!("/comptes-partages/{}", m.shared_id)>{lang.t("Membres et informations", "Members and details")}</a>
                                        </div>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
            {(!invitations.is_empty()).then(|| view! {
                <section class="panel">
                    <h2>{lang.t("Invitations reçues", "Invitations received")}</h2>
                    <ul class="cards">
                        {invitations.into_iter().map(|i| view! {
                            <li class="card">
                                <h3>{i.description.clone()}</h3>
                                <p class="meta">{lang.t("Invitation du ", "Invitation of ")}{crate::pages::date_time(i.created_at, lang)}</p>
                                <div class="actions">
                                    <PlainForm fn_path={<AnswerSharedInvitation as ServerFn>::PATH} page="/comptes-partages" class="inline-form">
                                        <input type="hidden" name="invitation_id" value=i.id.to_string()/>
                                        <input type="hidden" name="answer" value="accept"/>
                                        <button type="submit">{lang.t("Accepter l'invitation", "Accept the invitation")}</button>
                                    </PlainForm>
                                    <PlainForm fn_path={<AnswerSharedInvitation as ServerFn>::PATH} page="/comptes-partages" class="inline-form">
                                        <input type="hidden" name="invitation_id" value=i.id.to_string()/>
                                        <input type="hidden" name="answer" value="decline"/>
                                        <button type="submit" class="button-secondary">{lang.t("Décliner", "Decline")}</button>
                                    </PlainForm>
                                </div>
                            </li>
                        }).collect_view()}
                    </ul>
                </section>
            })}
            {(!requests.is_empty()).then(|| view! {
                <section class="panel">
                    <h2>{lang.t("Mes demandes de compte partagé", "My shared account requests")}</h2>
                    <ul class="cards">
                        {requests.into_iter().zip(confirmed).map(|(r, confirmed)| {
                            let pending = matches!(r.state, RequestState::PendingApprover | RequestState::PendingSupport);
                            let status = request_status(&r, confirmed, lang);
                            view! {
                                <li class="card">
                                    <h3>{r.name()}</h3>
                                    <p class="meta">{r.email.clone()}" · "{crate::pages::date_time(r.created_at, lang)}</p>
                                    <p>{status}</p>
                                    {(pending && !confirmed).then(|| view! {
                                        <PlainForm fn_path={<ResendSharedAddressLink as ServerFn>::PATH} page="/comptes-partages" class="inline-form">
                                            <input type="hidden" name="request_id" value=r.id.to_string()/>
                                            <button type="submit" class="button-secondary">{lang.t("Renvoyer le lien de confirmation", "Send the confirmation link again")}</button>
                                        </PlainForm>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            })}
        }
        .into_any()
    })
}

/// `/comptes-partages/nouveau`: sign in first; then a code e-mailed to oneself; then the form.
#[component]
pub fn NewSharedAccountPage() -> impl IntoView {
    let ctx = request_context();
    let lang = ctx.lang;
    let title = lang.t("Créer un compte partagé", "Create a shared account");
    Suspend::new(async move {
        let intro = view! {
            <Title text=title/>
            <h1>{title}</h1>
        };
        if let Some(v) = acting_view(&ctx, lang) {
            return v;
        }
        let Some(user) = ctx.user.clone() else {
            return view! {
                {intro}
                <section class="panel narrow">
                    <p>{lang.t(
                        "Un compte partagé s'utilise toujours depuis un compte individuel : chaque membre s'y rend avec son propre identifiant, et chaque action est enregistrée à son nom. Connectez-vous d'abord avec votre compte professionnel individuel.",
                        "A shared account is always used from an individual account: each member reaches it with their own sign-in, and every action is recorded in their name. First sign in with your individual professional account.",
                    )}</p>
                    <ul class="choices">
                        <li><a href="/connexion?suite=/comptes-partages/nouveau">{lang.t("Se connecter", "Sign in")}</a></li>
                        <li><a href="/demande-acces">{lang.t("Pas encore de compte ? Demander un accès professionnel", "No account yet? Ask for professional access")}</a></li>
                    </ul>
                </section>
            }
            .into_any();
        };
        if user.kind != UserKind::Professional || user.status != AccountStatus::Active {
            return view! {
                {intro}
                <section class="panel narrow">
                    <p>{lang.t(
                        "Seul un professionnel disposant d'un compte individuel actif peut créer un compte partagé pour sa structure.",
                        "Only a professional with an active individual account can create a shared account for their structure.",
                    )}</p>
                    <p><a href="/demande-acces">{lang.t("Demander un accès professionnel", "Ask for professional access")}</a></p>
                </section>
            }
            .into_any();
        }
        let Ok(state) = app_state() else {
            return view! { <ErrorPage lang=lang error=AppError::Internal/> }.into_any();
        };
        if !super::flows::step_up_fresh(&ctx, state.now()) {
            return view! { {intro} <CodeStep lang=lang user_id=user.id/> }.into_any();
        }
        view! { {intro} <CreationForm lang=lang user_id=user.id/> }.into_any()
    })
}

/// The code e-mailed to one's own address, before the form.
#[component]
fn CodeStep(lang: Lang, user_id: i64) -> impl IntoView {
    let sub = first_submission(&[<SendSharedCode as ServerFn>::PATH, <ConfirmSharedCode as ServerFn>::PATH]);
    let outcome = outcome_of(&sub, lang);
    let code_error = outcome.as_ref().and_then(|o| o.error_for("code"));
    let page = "/comptes-partages/nouveau";
    Suspend::new(async move {
        let (email, live) = match app_state() {
            Ok(state) => (
                crate::accounts::store::find_by_id(&state.db, user_id)
                    .await
                    .ok()
                    .flatten()
                    .map(|u| u.email)
                    .unwrap_or_default(),
                crate::platform::one_time_code::live(
                    &state,
                    user_id,
                    crate::platform::one_time_code::Purpose::SharedAccount,
                )
                .await
                .unwrap_or(false),
            ),
            Err(_) => (String::new(), false),
        };
        view! {
            <section class="panel narrow">
                <h2>{lang.t("Confirmez votre identité", "Confirm your identity")}</h2>
                <p class="form-intro">{match lang {
                    Lang::Fr => format!("Pour créer un compte partagé, confirmez d'abord que vous êtes bien vous : un code à 6 chiffres est envoyé à l'adresse de votre compte individuel ({email})."),
                    Lang::En => format!("To create a shared account, first confirm it is you: a 6-digit code is sent to your individual account's address ({email})."),
                }}</p>
                <Notice outcome=Signal::stored(outcome.clone())/>
                {live.then(|| view! {
                    <PlainForm fn_path={<ConfirmSharedCode as ServerFn>::PATH} page=page>
                        <div class="field">
                            <label for="code">{lang.t("Code reçu par e-mail", "Code received by e-mail")}</label><Required/>
                            <span class="hint" id="code-hint">{lang.t("6 chiffres, valable 10 minutes.", "6 digits, valid 10 minutes.")}</span>
                            <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="8"
                                required=true aria-describedby="code-hint code-error"
                                aria-invalid=if code_error.is_some() { "true" } else { "false" }/>
                            <p class="field-error" id="code-error">{code_error.clone()}</p>
                        </div>
                        <button type="submit">{lang.t("Valider", "Validate")}</button>
                    </PlainForm>
                })}
                <PlainForm fn_path={<SendSharedCode as ServerFn>::PATH} page=page>
                    <button type="submit" class=if live { "button-secondary" } else { "" }>
                        {if live { lang.t("Renvoyer le code", "Send the code again") } else { lang.t("Recevoir le code", "Get the code") }}
                    </button>
                </PlainForm>
            </section>
        }
    })
}

/// The shared-account form itself (after the code).
#[component]
fn CreationForm(lang: Lang, user_id: i64) -> impl IntoView {
    let sub = submitted::<Outcome>(<CreateSharedAccount as ServerFn>::PATH);
    let outcome = outcome_of(&sub, lang);
    let error = {
        let outcome = outcome.clone();
        move |f: &str| outcome.as_ref().and_then(|o| o.error_for(f))
    };
    let errors_of = {
        let outcome = outcome.clone();
        move |fields: &[&str]| -> Vec<(String, String)> {
            outcome
                .as_ref()
                .map(|o| o.field_errors.iter().filter(|(f, _)| fields.contains(&f.as_str())).cloned().collect())
                .unwrap_or_default()
        }
    };
    let submitted_now = !sub.values.is_empty();
    Suspend::new(async move {
        let Ok(state) = app_state() else {
            return view! { <ErrorPage lang=lang error=AppError::Internal/> }.into_any();
        };
        let me = crate::accounts::store::find_by_id(&state.db, user_id).await.ok().flatten();
        let access = crate::professional::store::access_of(&state.db, user_id).await.ok().flatten();
        let (Some(me), Some(access)) = (me, access) else {
            return view! { <ErrorPage lang=lang error=AppError::Forbidden/> }.into_any();
        };
        let structure = crate::structures::store::find(&state.db, access.structure_id).await.ok().flatten();
        let sites = crate::structures::store::sites(&state.db, access.structure_id).await.unwrap_or_default();
        let code = structure.as_ref().map(|s| s.code.clone()).unwrap_or_default();
        let structure_name = structure.map(|s| s.name).unwrap_or_default();
        let value_or = |name: &str, default: &str| if submitted_now { sub.value(name) } else { default.to_string() };
        let checked = |name: &str, default: bool| sub.checked_or(name, default);
        let (
            email_v,
            description_v,
            identifier_v,
            company_v,
            address_v,
            postcode_v,
            departement_v,
            city_v,
            service_v,
            phone_v,
            phone2_v,
            profession_v,
            rpps_v,
        ) = (
            sub.value("email"),
            sub.value("description"),
            sub.value("identifier"),
            sub.value("company_name"),
            sub.value("address"),
            sub.value("postcode"),
            sub.value("departement"),
            sub.value("city"),
            sub.value("service"),
            sub.value("phone"),
            sub.value("phone2"),
            sub.value("profession"),
            sub.value("rpps"),
        );
        let kind_v = value_or("identifier_kind", EstablishmentIdKind::Finess.as_str());
        let (last_v, first_v, code_v, mode_v) = (
            value_or("last_name", &me.last_name),
            value_or("first_name", &me.first_name),
            value_or("correspondent_code", &code),
            value_or("sites_mode", "all"),
        );
        let chosen_v = sub.values_of("sites[]");
        let (phone2_on, paperless_on, directory_on, results_on, invoices_on) = (
            checked("add_phone2", false) || !phone2_v.is_empty(),
            checked("paperless", true),
            checked("directory", true),
            checked("results", false),
            checked("invoices", false),
        );
        let page = "/comptes-partages/nouveau";
        view! {
            <p class="form-intro">{lang.t(
                "Le compte partagé appartient à votre structure. Il sera validé par notre support (et d'abord par l'approbateur de votre structure s'il demande des droits) ; un lien de confirmation sera envoyé à son adresse.",
                "The shared account belongs to your structure. Our support validates it (your structure's approver first, if it asks for rights); a confirmation link is sent to its address.",
            )}</p>
            <Notice outcome=Signal::stored(outcome.clone())/>
            <PlainForm fn_path={<CreateSharedAccount as ServerFn>::PATH} page=page class="shared-account-form">
                <RequiredNote lang=lang/>
                <fieldset>
                    <legend>{lang.t("Le compte partagé", "The shared account")}</legend>
                    <Input id="email" name="email" label=lang.t("Adresse e-mail du compte partagé", "Shared account's e-mail address")
                        input_type="email" inputmode="email" autocomplete="off" value=email_v error=error("email").unwrap_or_default()
                        hint=lang.t("Une adresse générique, par exemple celle du secrétariat : secretariat.cardiologie@exemple.fr", "A generic address, for example the secretariat's: secretariat.cardiologie@example.org")/>
                    <Input id="description" name="description" label=lang.t("Description du compte", "Account description")
                        value=description_v error=error("description").unwrap_or_default()
                        hint=lang.t("Le service, la structure, la ville : « Service de cardiologie, clinique du Château, Poitiers ».", "The department, the structure, the town: “Cardiology, Château clinic, Poitiers”.")/>
                </fieldset>
                <fieldset>
                    <legend>{lang.t("L'établissement", "The establishment")}</legend>
                    <EstablishmentIdField lang=lang kind=kind_v
                        value=identifier_v errors=errors_of(&["identifier_kind", "identifier"])/>
                    <Input id="company_name" name="company_name" label=lang.t("Raison sociale", "Company name")
                        value=company_v error=error("company_name").unwrap_or_default()/>
                    <Input id="address" name="address" label=lang.t("Adresse", "Address") autocomplete="street-address"
                        value=address_v error=error("address").unwrap_or_default()/>
                    <PostcodeFields lang=lang postcode=postcode_v departement=departement_v
                        errors=errors_of(&["postcode", "departement"])/>
                    <Input id="city" name="city" label=lang.t("Ville", "Town") autocomplete="address-level2"
                        value=city_v error=error("city").unwrap_or_default()/>
                    <Input id="service" name="service" label=lang.t("Service", "Department") required=false
                        value=service_v error=error("service").unwrap_or_default()/>
                    <Input id="phone" name="phone" label=lang.t("Téléphone professionnel", "Professional telephone") input_type="tel"
                        inputmode="tel" autocomplete="tel" value=phone_v error=error("phone").unwrap_or_default()/>
                    <div class="field second-phone">
                        <div class="check">
                            <input type="checkbox" id="add_phone2" name="add_phone2" value="on"
                                checked=phone2_on/>
                            <label for="add_phone2">{lang.t("J'ajoute un deuxième numéro", "I add a second number")}</label>
                        </div>
                        <div class="phone2">
                            <Input id="phone2" name="phone2" label=lang.t("Deuxième numéro", "Second number") input_type="tel"
                                inputmode="tel" required=false value=phone2_v error=error("phone2").unwrap_or_default()/>
                        </div>
                    </div>
                </fieldset>
                <fieldset>
                    <legend>{lang.t("Le professionnel responsable du compte", "The account's responsible professional")}</legend>
                    <Input id="last_name" name="last_name" label=lang.t("Nom", "Last name") autocomplete="family-name"
                        value=last_v error=error("last_name").unwrap_or_default()/>
                    <Input id="first_name" name="first_name" label=lang.t("Prénom", "First name") autocomplete="given-name"
                        value=first_v error=error("first_name").unwrap_or_default()/>
                    <ResponsibleIdFields lang=lang profession=profession_v rpps=rpps_v
                        errors=errors_of(&["profession", "rpps"])/>
                </fieldset>
                <fieldset>
                    <legend>{lang.t("Préférences d'utilisation", "Preferences")}</legend>
                    <div class="check">
                        <input type="checkbox" id="paperless" name="paperless" value="on" checked=paperless_on/>
                        <label for="paperless">{lang.t("Je souhaite dématérialiser tous mes échanges et ne plus recevoir de papier", "I want all my exchanges paperless and no more paper")}</label>
                    </div>
                    <div class="check">
                        <input type="checkbox" id="directory" name="directory" value="on" checked=directory_on/>
                        <label for="directory">{lang.t("Je souhaite que l'adresse apparaisse dans l'annuaire des correspondants", "I want the address to appear in the correspondents' directory")}</label>
                    </div>
                </fieldset>
                <fieldset>
                    <legend>{lang.t("Structure, droits et sites", "Structure, rights and sites")}</legend>
                    <Input id="correspondent_code" name="correspondent_code" label=lang.t("Code correspondant", "Correspondent code")
                        value=code_v error=error("correspondent_code").unwrap_or_default()
                        hint=lang.t("Celui de votre structure ; un compte partagé lui appartient.", "Your structure's; a shared account belongs to it.")/>
                    <p class="meta">{structure_name}</p>
                    <fieldset class="rights">
                        <legend>{lang.t("Droits d'accès demandés", "Access rights asked for")}</legend>
                        <div class="check">
                            <input type="checkbox" id="results" name="results" value="on" checked=results_on aria-describedby="rights-error"/>
                            <label for="results">{lang.t("Résultats", "Results")}</label>
                        </div>
                        <div class="check">
                            <input type="checkbox" id="invoices" name="invoices" value="on" checked=invoices_on aria-describedby="rights-error"/>
                            <label for="invoices">{lang.t("Factures", "Invoices")}</label>
                        </div>
                        <p class="field-error" id="rights-error">{error("rights")}</p>
                    </fieldset>
                    <SiteChoice sites=sites sites_mode=mode_v chosen=chosen_v
                        error=error("sites") legend=lang.t("Sites dont le compte partagé verra les données", "Sites whose data the shared account will see") lang=lang/>
                </fieldset>
                <button type="submit">{lang.t("Envoyer la demande", "Send the request")}</button>
            </PlainForm>
        }
        .into_any()
    })
}

/// `/comptes-partages/confirmer?jeton=…`: the shared address's link opens a page whose
/// button confirms (a link only reads; a POST changes state).
#[component]
pub fn ConfirmSharedAddressPage() -> impl IntoView {
    let lang = request_context().lang;
    let sub = submitted::<Outcome>(<ConfirmSharedAddress as ServerFn>::PATH);
    let outcome = outcome_of(&sub, lang);
    let token = crate::pages::query_param("jeton").unwrap_or_default();
    let page = format!("/comptes-partages/confirmer?jeton={}", crate::pages::url_encode(&token));
    let done = outcome.as_ref().is_some_and(|o| o.is_ok());
    let title = lang.t("Confirmer l'adresse du compte partagé", "Confirm the shared account's address");
    view! {
        <Title text=title/>
        <section class="panel narrow">
            <h1>{title}</h1>
            <Notice outcome=Signal::stored(outcome)/>
            {(!done).then(|| view! {
                <p>{lang.t(
                    "Confirmez que cette adresse e-mail est bien celle de votre structure : la demande de compte partagé pourra alors être validée.",
                    "Confirm that this e-mail address is your structure's: the shared account request can then be validated.",
                )}</p>
                <PlainForm fn_path={<ConfirmSharedAddress as ServerFn>::PATH} page=page>
                    <input type="hidden" name="token" value=token/>
                    <button type="submit">{lang.t("Confirmer l'adresse", "Confirm the address")}</button>
                </PlainForm>
            })}
        </section>
    }
}

/// `/comptes-partages/{id}`: a shared account for its members: details, members, and what
/// one's role allows (add, remove, managers, hand over, leave).
#[component]
pub fn SharedAccountPage() -> impl IntoView {
    let ctx = request_context();
    let lang = ctx.lang;
    let id = use_params_map().with_untracked(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()));
    let sub = first_submission(&[
        <InviteSharedMember as ServerFn>::PATH,
        <CancelSharedInvitation as ServerFn>::PATH,
        <RemoveSharedMember as ServerFn>::PATH,
        <LeaveSharedAccount as ServerFn>::PATH,
        <SetSharedManager as ServerFn>::PATH,
        <HandOverSharedAccount as ServerFn>::PATH,
        <SwitchAccount as ServerFn>::PATH,
    ]);
    let outcome = outcome_of(&sub, lang);
    Suspend::new(async move {
        if let Some(v) = acting_view(&ctx, lang) {
            return v;
        }
        let user = match crate::platform::guards::require_professional(&ctx) {
            Ok(u) => u,
            Err(e) => return view! { <ErrorPage lang=lang error=e/> }.into_any(),
        };
        let Ok(state) = app_state() else {
            return view! { <ErrorPage lang=lang error=AppError::Internal/> }.into_any();
        };
        let Some(id) = id else { return view! { <ErrorPage lang=lang error=AppError::Forbidden/> }.into_any() };
        let role = shared::role_of(&state.db, id, user.id).await.ok().flatten();
        let row = shared::find(&state.db, id).await.ok().flatten();
        let (Some(role), Some(row)) = (role, row) else {
            return view! { <ErrorPage lang=lang error=AppError::Forbidden/> }.into_any();
        };
        let members = shared::members(&state.db, id).await.unwrap_or_default();
        let invitations = if role.manages_members() {
            shared::pending_invitations(&state.db, id, state.now()).await.unwrap_or_default()
        } else {
            Vec::new()
        };
        let account = match row.user_id {
            Some(a) => crate::accounts::store::find_by_id(&state.db, a).await.ok().flatten(),
            None => None,
        };
        let active = account.as_ref().is_some_and(|a| a.status == AccountStatus::Active);
        let access = match row.user_id {
            Some(a) => crate::professional::store::access_of(&state.db, a).await.ok().flatten(),
            None => None,
        };
        let sites_text = match &access {
            Some(a) => crate::professional::store::visible_sites(&state.db, a)
                .await
                .unwrap_or_default()
                .into_iter()
                .map(|s| s.name)
                .collect::<Vec<_>>()
                .join(", "),
            None => String::new(),
        };
        let page = format!("/comptes-partages/{id}");
        let kind_label = EstablishmentIdKind::parse(&row.identifier_kind).map(|k| k.label(lang)).unwrap_or_default();
        let others: Vec<(i64, String)> =
            members.iter().filter(|m| m.role != SharedRole::Responsible).map(|m| (m.user_id, m.name.clone())).collect();
        let hand_over_error = outcome.as_ref().and_then(|o| o.error_for("rpps").or_else(|| o.error_for("profession")));
        let invite_error = outcome.as_ref().and_then(|o| o.error_for("email")).unwrap_or_default();
        view! {
            <Title text=row.description.clone()/>
            <h1>{row.description.clone()}</h1>
            <p class="meta">{lang.t("Compte partagé", "Shared account")}" · "{row.email.clone()}" · "{lang.t("votre rôle : ", "your role: ")}{role.label(lang)}
                {(!active).then(|| view! { " · "<strong>{lang.t("désactivé", "deactivated")}</strong> })}</p>
            <Notice outcome=Signal::stored(outcome.clone())/>
            {active.then(|| row.user_id.map(|a| view! { <p><UseAccountButton lang=lang account_id=a page=page.clone()/></p> }))}
            <section class="panel">
                <h2>{lang.t("Informations", "Details")}</h2>
                <dl class="compare">
                    <dt>{lang.t("Établissement", "Establishment")}</dt>
                    <dd>{format!("{} — {} {}", row.company_name, kind_label, row.identifier)}</dd>
                    <dt>{lang.t("Adresse", "Address")}</dt>
                    <dd>{format!("{}, {} {} ({})", row.address, row.postcode, row.city, row.departement)}</dd>
                    {(!row.service.is_empty()).then(|| view! { <dt>{lang.t("Service", "Department")}</dt><dd>{row.service.clone()}</dd> })}
                    <dt>{lang.t("Téléphone", "Telephone")}</dt>
                    <dd>{[Some(row.phone.clone()), row.phone2.clone()].into_iter().flatten()
                        .map(|p| crate::domain::phone::Phone::parse(&p).map(|p| p.display()).unwrap_or(p)).collect::<Vec<_>>().join(" · ")}</dd>
                    <dt>{lang.t("Responsable", "Responsible")}</dt>
                    <dd>{format!("{} {} — {}{}", row.responsible_first_name, row.responsible_last_name, row.responsible_profession.label(lang),
                        row.responsible_rpps.as_ref().map(|r| format!(" — RPPS {r}")).unwrap_or_default())}</dd>
                    <dt>{lang.t("Droits", "Rights")}</dt>
                    <dd>{access.as_ref().map(|a| a.rights.describe(lang)).unwrap_or_default()}" — "{sites_text}</dd>
                    <dt>{lang.t("Préférences", "Preferences")}</dt>
                    <dd>{[
                        row.paperless.0.then(|| lang.t("échanges dématérialisés", "paperless exchanges")),
                        row.in_directory.0.then(|| lang.t("visible dans l'annuaire", "listed in the directory")),
                    ].into_iter().flatten().collect::<Vec<_>>().join(" · ")}</dd>
                </dl>
            </section>
            <section class="panel">
                <h2>{lang.t("Membres", "Members")}</h2>
                <div class="table-wrap"><table class="responsive">
                    <thead><tr><th>{lang.t("Nom", "Name")}</th><th>{lang.t("Rôle", "Role")}</th><th>{lang.t("Actions", "Actions")}</th></tr></thead>
                    <tbody>
                        {members.into_iter().map(|m| {
                            let me = m.user_id == user.id;
                            let removable = !me && role.may_remove(m.role);
                            let manager_toggle = role == SharedRole::Responsible && !me && m.role != SharedRole::Responsible;
                            let make_manager = m.role == SharedRole::Member;
                            let uid = m.user_id.to_string();
                            let uid2 = uid.clone();
                            let name = m.name.clone();
                            view! {
                                <tr>
                                    <td data-label=lang.t("Nom", "Name")>{m.name.clone()}{me.then(|| lang.t(" (vous)", " (you)"))}</td>
                                    <td data-label=lang.t("Rôle", "Role")>{m.role.label(lang)}</td>
                                    <td data-label=lang.t("Actions", "Actions")>
                                        {manager_toggle.then(|| view! {
                                            <PlainForm fn_path={<SetSharedManager as ServerFn>::PATH} page=page.clone() class="inline-form">
                                                <input type="hidden" name="shared_id" value=id.to_string()/>
                                                <input type="hidden" name="user_id" value=uid.clone()/>
                                                <input type="hidden" name="manager" value=if make_manager { "1" } else { "0" }/>
                                                <button type="submit" class="button-secondary">{if make_manager {
                                                    lang.t("Nommer gestionnaire", "Make manager")
                                                } else {
                                                    lang.t("Retirer le rôle de gestionnaire", "Remove the manager role")
                                                }}</button>
                                            </PlainForm>
                                        })}
                                        {removable.then(|| view! {
                                            <PlainForm fn_path={<RemoveSharedMember as ServerFn>::PATH} page=page.clone() class="inline-form">
                                                <input type="hidden" name="shared_id" value=id.to_string()/>
                                                <input type="hidden" name="user_id" value=uid2/>
                                                <button type="submit" class="button-danger-secondary" aria-label=format!("{} {}", lang.t("Retirer", "Remove"), name)>
                                                    {lang.t("Retirer", "Remove")}</button>
                                            </PlainForm>
                                        })}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table></div>
                {(!invitations.is_empty()).then(|| view! {
                    <h3>{lang.t("Invitations en attente", "Pending invitations")}</h3>
                    <ul class="activity">
                        {invitations.into_iter().map(|i| view! {
                            <li>{i.email.clone()}" — "{crate::pages::date_time(i.created_at, lang)}" "
                                <PlainForm fn_path={<CancelSharedInvitation as ServerFn>::PATH} page=page.clone() class="inline-form">
                                    <input type="hidden" name="shared_id" value=id.to_string()/>
                                    <input type="hidden" name="invitation_id" value=i.id.to_string()/>
                                    <button type="submit" class="link-button">{lang.t("Retirer l'invitation", "Withdraw the invitation")}</button>
                                </PlainForm>
                            </li>
                        }).collect_view()}
                    </ul>
                })}
            </section>
            {(role.manages_members() && active).then(|| view! {
                <section class="panel">
                    <h2>{lang.t("Ajouter un membre", "Add a member")}</h2>
                    <p class="meta">{lang.t(
                        "Un membre est un professionnel de votre structure qui a déjà son compte individuel ; il confirme depuis son propre compte.",
                        "A member is a professional of your structure who already has an individual account; they confirm from their own account.",
                    )}</p>
                    <PlainForm fn_path={<InviteSharedMember as ServerFn>::PATH} page=page.clone()>
                        <input type="hidden" name="shared_id" value=id.to_string()/>
                        <Input id="email" name="email" label=lang.t("Adresse e-mail du membre", "Member's e-mail address") input_type="email"
                            inputmode="email" autocomplete="off" error=invite_error.clone()/>
                        <button type="submit">{lang.t("Ajouter un membre", "Add a member")}</button>
                    </PlainForm>
                </section>
            })}
            {(role == SharedRole::Responsible && !others.is_empty()).then(|| view! {
                <section class="panel">
                    <h2>{lang.t("Confier la responsabilité", "Hand over the responsibility")}</h2>
                    <PlainForm fn_path={<HandOverSharedAccount as ServerFn>::PATH} page=page.clone()>
                        <input type="hidden" name="shared_id" value=id.to_string()/>
                        <div class="field">
                            <label for="new_responsible">{lang.t("Nouveau responsable", "New responsible")}</label><Required/>
                            <select id="new_responsible" name="user_id">
                                {others.iter().map(|(uid, name)| view! { <option value=uid.to_string()>{name.clone()}</option> }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="profession">{lang.t("Profession", "Profession")}</label><Required/>
                            <select id="profession" name="profession">
                                {Profession::ALL.into_iter().map(|p| view! { <option value=p.as_str()>{p.label(lang)}</option> }).collect_view()}
                            </select>
                        </div>
                        <Input id="rpps" name="rpps" label=lang.t("Identifiant RPPS", "RPPS identifier") required=false inputmode="numeric"
                            hint=lang.t("11 chiffres ; obligatoire sauf pour la profession « Autre ».", "11 digits; required except for the profession “Other”.")
                            error=hand_over_error.clone().unwrap_or_default()/>
                        <button type="submit" class="button-secondary">{lang.t("Confier la responsabilité", "Hand over the responsibility")}</button>
                    </PlainForm>
                </section>
            })}
            {(role != SharedRole::Responsible).then(|| view! {
                <PlainForm fn_path={<LeaveSharedAccount as ServerFn>::PATH} page=page.clone()>
                    <input type="hidden" name="shared_id" value=id.to_string()/>
                    <button type="submit" class="button-danger-secondary">{lang.t("Quitter ce compte partagé", "Leave this shared account")}</button>
                </PlainForm>
            })}
            <p><a href="/comptes-partages">{lang.t("Tous mes comptes partagés", "All my shared accounts")}</a></p>
        }
        .into_any()
    })
}

/// `/annuaire`: the shared accounts that asked to be listed, for signed-in professionals
/// (and support).
#[component]
pub fn DirectoryPage() -> impl IntoView {
    let ctx = request_context();
    let lang = ctx.lang;
    let search = crate::pages::query_param("q").unwrap_or_default();
    let title = lang.t("Annuaire des correspondants", "Correspondents' directory");
    Suspend::new(async move {
        let allowed = ctx.principal().is_some_and(|u| {
            u.status == AccountStatus::Active
                && matches!(u.kind, UserKind::Professional | UserKind::Shared | UserKind::Support)
        });
        if !allowed {
            let error = if ctx.user.is_none() { ctx.sign_in_error() } else { AppError::Forbidden };
            return view! { <ErrorPage lang=lang error=error/> }.into_any();
        }
        let Ok(state) = app_state() else {
            return view! { <ErrorPage lang=lang error=AppError::Internal/> }.into_any();
        };
        let entries = match shared::directory(&state.db, &search, 200).await {
            Ok(e) => e,
            Err(e) => return view! { <ErrorPage lang=lang error=e.into()/> }.into_any(),
        };
        view! {
            <Title text=title/>
            <h1>{title}</h1>
            <p class="form-intro">{lang.t(
                "Les comptes partagés des structures du réseau qui ont choisi d'y figurer.",
                "The shared accounts of the network's structures that chose to be listed.",
            )}</p>
            <form method="get" action="/annuaire" class="filters panel" role="search">
                <div class="field">
                    <label for="q">{lang.t("Rechercher", "Search")}</label>
                    <input id="q" name="q" type="search" value=search.clone()/>
                    <span class="hint">{lang.t("Nom, raison sociale, ville ou code postal.", "Name, company, town or postcode.")}</span>
                </div>
                <button type="submit" class="button-secondary">{lang.t("Rechercher", "Search")}</button>
            </form>
            {if entries.is_empty() {
                view! { <p>{lang.t("Aucun correspondant trouvé.", "No correspondent found.")}</p> }.into_any()
            } else {
                view! {
                    <ul class="cards">
                        {entries.into_iter().map(|e| {
                            let phone = crate::domain::phone::Phone::parse(&e.phone).map(|p| p.display()).unwrap_or(e.phone.clone());
                            view! {
                                <li class="card">
                                    <h2 class="card-title">{e.description.clone()}</h2>
                                    <p><a href=format!("mailto:{}", e.email)>{e.email.clone()}</a>" · "{phone}</p>
                                    <p class="meta">{e.company_name.clone()}{(!e.service.is_empty()).then(|| format!(" — {}", e.service))}</p>
                                    <p class="meta">{format!("{}, {} {}", e.address, e.postcode, e.city)}</p>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        }
        .into_any()
    })
}

/// The shared-account part of an account's page in the admin console: its establishment,
/// responsible and members, and the change of responsible (support).
#[component]
pub fn SharedAccountAdmin(
    /// The shared account's `users` id.
    account_id: i64,
    /// The admin page (forms post to it).
    page: String,
    /// The page's last outcome (field errors of the form).
    outcome: Option<Outcome>,
    /// Interface language.
    lang: Lang,
) -> impl IntoView {
    let error = outcome.as_ref().and_then(|o| o.error_for("rpps").or_else(|| o.error_for("profession")));
    Suspend::new(async move {
        let state = app_state().ok()?;
        let row = shared::find_by_user(&state.db, account_id).await.ok().flatten()?;
        let members = shared::members(&state.db, row.id).await.unwrap_or_default();
        let others: Vec<(i64, String)> =
            members.iter().filter(|m| m.role != SharedRole::Responsible).map(|m| (m.user_id, m.name.clone())).collect();
        let kind = EstablishmentIdKind::parse(&row.identifier_kind).map(|k| k.label(lang)).unwrap_or_default();
        let id = row.id;
        Some(view! {
            <section class="panel">
                <h2>{lang.t("Compte partagé", "Shared account")}</h2>
                <p>{format!("{} — {kind} {}", row.company_name, row.identifier)}</p>
                <p class="meta">{format!("{}, {} {} ({})", row.address, row.postcode, row.city, row.departement)}</p>
                <p>{lang.t("Responsable : ", "Responsible: ")}{format!("{} {} — {}{}", row.responsible_first_name, row.responsible_last_name,
                    row.responsible_profession.label(lang), row.responsible_rpps.as_ref().map(|r| format!(" — RPPS {r}")).unwrap_or_default())}</p>
                <h3>{lang.t("Membres", "Members")}</h3>
                <ul class="activity">
                    {members.iter().map(|m| view! {
                        <li><a href=format!("/admin/utilisateurs/{}", m.user_id)>{m.name.clone()}</a>" — "{m.role.label(lang)}" · "{m.email.clone()}
                            {(m.status != AccountStatus::Active).then(|| format!(" · {}", m.status.label(lang)))}</li>
                    }).collect_view()}
                </ul>
                {(!others.is_empty()).then(|| view! {
                    <h3>{lang.t("Changer de responsable", "Change the responsible")}</h3>
                    <PlainForm fn_path={<super::api::SupportChangeResponsible as ServerFn>::PATH} page=page.clone()>
                        <input type="hidden" name="shared_id" value=id.to_string()/>
                        <div class="field">
                            <label for="new_responsible">{lang.t("Nouveau responsable", "New responsible")}</label><Required/>
                            <select id="new_responsible" name="user_id">
                                {others.iter().map(|(uid, name)| view! { <option value=uid.to_string()>{name.clone()}</option> }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="profession">{lang.t("Profession", "Profession")}</label><Required/>
                            <select id="profession" name="profession">
                                {Profession::ALL.into_iter().map(|p| view! { <option value=p.as_str()>{p.label(lang)}</option> }).collect_view()}
                            </select>
                        </div>
                        <Input id="rpps" name="rpps" label=lang.t("Identifiant RPPS", "RPPS identifier") required=false inputmode="numeric"
                            error=error.clone().unwrap_or_default()/>
                        <button type="submit" class="button-secondary">{lang.t("Changer de responsable", "Change the responsible")}</button>
                    </PlainForm>
                })}
            </section>
        })
    })
}
