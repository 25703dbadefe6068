//! `/activation` and the patient's profiles on `/mon-compte`.

use super::api::ActivateRecord;
use super::islands::ActivationForm;
use super::store::{self as records, Profile};
use crate::domain::account::UserKind;
use crate::domain::date::Date;
use crate::error::AppError;
use crate::form::{NoticeKind, Outcome, submitted};
use crate::i18n::Lang;
use crate::pages::errors::ErrorPage;
use crate::platform::{app_state, request_context};
use crate::ui::notice::Notice;
use leptos::prelude::*;
use leptos_meta::Title;
use server_fn::ServerFn;

/// `/activation`
#[component]
pub fn ActivationPage() -> impl IntoView {
    let ctx = request_context();
    let lang = ctx.lang;
    let user = match ctx.user {
        Some(u) => u,
        None => return view! { <NeedsAccount lang=lang expired=ctx.session_expired/> }.into_any(),
    };
    if user.kind != UserKind::Patient {
        return view! { <ErrorPage lang=lang error=AppError::Forbidden/> }.into_any();
    }
    let initial = submitted::<Outcome>(<ActivateRecord as ServerFn>::PATH);
    let user_id = user.id;
    view! {
        <Title text=lang.t("Rattacher un dossier", "Link a record")/>
        <section class="panel narrow">
            <h1>{lang.t("Rattacher un dossier avec son code d'activation", "Link a record with its activation code")}</h1>
            <p class="form-intro">{lang.t(
                "Le code d'activation figure sur chaque compte rendu du laboratoire. Vous pouvez rattacher votre dossier, celui de votre enfant ou d'une personne que vous accompagnez : chaque dossier apparaîtra comme un profil dans votre compte.",
                "The activation code is on every lab report. You can link your own record, your child's or that of a person you care for: each record appears as a profile in your account.",
            )}</p>
            {Suspend::new(async move {
                let holder_birth: String = match app_state() {
                    Ok(state) => crate::accounts::store::birth_date(&state.db, user_id).await.ok().flatten().unwrap_or_default(),
                    Err(_) => String::new(),
                };
                view! {
                    <Notice outcome=crate::ui::plain::outcome_of(&initial, lang)/>
                    <ActivationForm lang=lang initial=initial.settled(lang) holder_birth=holder_birth/>
                }
            })}
            <p class="muted">{lang.t(
                "Pas de code ? Il figure sur vos comptes rendus ; l'accueil du laboratoire peut aussi vous le redonner.",
                "No code? It is on your reports; the lab's front desk can also give it to you again.",
            )}</p>
        </section>
    }
    .into_any()
}

/// `/activation` for someone who is not signed in: linking a record needs an account. A
/// first-time visitor is offered to create one, then to sign in, and comes back here after
/// either; "your session expired" is said only to someone whose session did.
#[component]
fn NeedsAccount(lang: Lang, expired: bool) -> impl IntoView {
    view! {
        <Title text=lang.t("Rattacher un dossier", "Link a record")/>
        <section class="panel narrow">
            <h1>{lang.t("Rattacher un dossier avec son code d'activation", "Link a record with its activation code")}</h1>
            {expired.then(|| view! { <Notice outcome=Some(Outcome::notice(NoticeKind::Warn, AppError::SessionExpired.message(lang)))/> })}
            <p>{lang.t(
                "Pour rattacher un dossier, il vous faut un compte Sésame : c'est lui qui protège vos résultats et ceux de vos proches. Créez-le en deux minutes avec votre adresse e-mail, puis saisissez le code imprimé sur votre compte rendu.",
                "To link a record you need a Sésame account: it protects your results and your family's. Create it in two minutes with your e-mail address, then type the code printed on your report.",
            )}</p>
            <p class="actions">
                <a class="button" href="/inscription?suite=/activation">{lang.t("Créer mon compte", "Create my account")}</a>
                <a class="button button-secondary" href="/connexion?suite=/activation">{lang.t("Se connecter", "Sign in")}</a>
            </p>
        </section>
    }
}

/// How a profile relates to the account holder, as shown.
pub fn relation_label(relation: &str, lang: Lang) -> &'static str {
    match relation {
        "child" => lang.t("Mon enfant", "My child"),
        "dependent" => lang.t("Personne accompagnée", "Person I care for"),
        _ => lang.t("Moi-même", "Myself"),
    }
}

fn format_millis(ms: i64, lang: Lang) -> String {
    let d = Date::from_unix_millis(ms);
    match lang {
        Lang::Fr => d.french(),
        Lang::En => d.iso(),
    }
}

#[component]
fn ProfileCard(profile: Profile, reports: Vec<crate::reports::store::ReportLine>, lang: Lang) -> impl IntoView {
    let birth = crate::pages::day(&profile.birth_date, lang);
    let status = match profile.status.as_str() {
        "linked" => view! { <span class="tag tag-ok">{lang.t("Rattaché", "Linked")}</span> }.into_any(),
        "lab_review" => view! { <span class="tag tag-warn">{lang.t("En vérification par le laboratoire", "Being checked by the lab")}</span> }.into_any(),
        _ => view! { <span class="tag tag-off">{lang.t("Refusé", "Refused")}</span> }.into_any(),
    };
    let reports = if profile.status == "linked" {
        if reports.is_empty() {
            view! { <p class="meta">{lang.t("Aucun compte rendu disponible pour l'instant : vous serez prévenu par e-mail.", "No report available yet: you will be told by e-mail.")}</p> }.into_any()
        } else {
            view! {
                <ul class="choices">
                    {reports.into_iter().map(|r| {
                        let state = if r.status == "complete" { lang.t("complet", "complete") } else { lang.t("partiel", "partial") };
                        view! { <li>{format!("{} — {} {} ({state})", r.reference, lang.t("disponible le", "available on"), format_millis(r.available_at, lang))}</li> }
                    }).collect_view()}
                </ul>
            }.into_any()
        }
    } else if profile.status == "lab_review" {
        view! { <p class="meta">{lang.t("Vous recevrez un e-mail dès que le laboratoire aura vérifié ce rattachement.", "You will get an e-mail once the lab has checked this link.")}</p> }.into_any()
    } else {
        view! {
            <p>{lang.t("Le laboratoire n'a pas pu confirmer ce rattachement : ", "The lab could not confirm this link: ")}{profile.review_reason.as_ref().map(|r| format!("« {r} »"))}</p>
            <p class="meta">{lang.t(
                "Vous pouvez saisir le code de nouveau (pour un enfant ou un proche, avec son nom tel qu'il figure sur le compte rendu), ou contacter votre laboratoire.",
                "You can enter the code again (for a child or a relative, with their name as printed on the report), or contact your lab.",
            )}</p>
            <p><a href="/activation">{lang.t("Saisir le code de nouveau", "Enter the code again")}</a></p>
        }.into_any()
    };
    view! {
        <li class="card profile">
            <h3>{profile.patient_name()}</h3>
            <p class="meta">{relation_label(&profile.relation, lang)}" · "{lang.t("né(e) le ", "born on ")}{birth}</p>
            <p>{status}</p>
            {reports}
            <crate::form::PlainForm fn_path={<crate::my_data::api::RemoveProfile as server_fn::ServerFn>::PATH} page="/mon-compte" class="profile-remove">
                <input type="hidden" name="id" value=profile.link_id.to_string()/>
                <button type="submit" class="button-danger-secondary" aria-label=format!("{} — {}", lang.t("Retirer ce profil", "Remove this profile"), profile.patient_name())>{lang.t("Retirer ce profil", "Remove this profile")}</button>
                <span class="hint">{lang.t("Le dossier reste au laboratoire ; il pourra être rattaché de nouveau avec un nouveau code.", "The record stays with the lab; it can be linked again with a new code.")}</span>
            </crate::form::PlainForm>
        </li>
    }
}

/// The patient's profiles, for `/mon-compte`.
#[component]
pub fn PatientProfiles(
    /// The signed-in patient.
    user_id: i64,
    /// Interface language.
    lang: Lang,
) -> impl IntoView {
    let just_linked = crate::pages::query_param("rattache").is_some();
    Suspend::new(async move {
        let mut profiles = Vec::new();
        if let Ok(state) = app_state() {
            let load = async {
                let mut out = Vec::new();
                for p in records::profiles(&state, user_id).await? {
                    let reports = if p.status == "linked" {
                        crate::reports::store::reports_of(&state.db, p.record_id).await?
                    } else {
                        Vec::new()
                    };
                    out.push((p, reports));
                }
                Ok::<_, sqlx::Error>(out)
            };
            profiles = load.await.unwrap_or_else(|e| {
                tracing::error!(error = %e, "cannot read profiles");
                Vec::new()
            });
        }
        view! {
            <section class="panel">
                <h2>{lang.t("Mes profils", "My profiles")}</h2>
                {just_linked.then(|| view! { <Notice outcome=Some(Outcome::notice(NoticeKind::Success, lang.t("Le dossier est rattaché à votre compte.", "The record is linked to your account.")))/> })}
                {if profiles.is_empty() {
                    view! { <p>{lang.t(
                        "Aucun dossier rattaché pour l'instant. Saisissez le code d'activation imprimé sur votre compte rendu pour voir la disponibilité de vos résultats.",
                        "No record linked yet. Enter the activation code printed on your report to see when your results are available.",
                    )}</p> }.into_any()
                } else {
                    view! { <ul class="cards cards-2">{profiles.into_iter().map(|(p, reports)| view! { <ProfileCard profile=p reports=reports lang=lang/> }).collect_view()}</ul> }.into_any()
                }}
                <p class="actions"><a class="button" href="/activation">{lang.t("Rattacher un dossier", "Link a record")}</a></p>
            </section>
        }
    })
}
