//! Pages of a person's own data: the "Mes données" panel of `/mon-compte`,
//! `/mon-compte/export`, `/mon-compte/adresse`, `/mon-compte/nom`, `/mon-compte/supprimer` and
//! `/compte-supprime`. Server-rendered, no island.

use super::api::{ChangeMyEmail, ChangeMyNames, DeleteMyAccount};
use crate::domain::account::UserKind;
use crate::error::AppError;
use crate::form::PlainForm;
use crate::form::{Outcome, submitted};
use crate::i18n::Lang;
use crate::pages::errors::ErrorPage;
use crate::platform::request_context;
use crate::ui::fields::{Required, RequiredNote};
use crate::ui::notice::Notice;
use crate::ui::plain::{Input, outcome_of};
use leptos::prelude::*;
use leptos_meta::Title;
use server_fn::ServerFn;

/// The path of the ZIP export (a plain POST route of the server).
pub const EXPORT_PATH: &str = "/api/mes-donnees";
/// The download of an export prepared in the background (a plain POST route of the server).
pub const EXPORT_FILE_PATH: &str = "/api/mes-donnees/fichier";
/// The page of an export prepared in the background (the e-mail's link).
pub const EXPORT_PAGE: &str = "/mon-compte/export";

/// The "Mes données" panel of `/mon-compte`.
#[component]
pub fn MyDataPanel(
    /// The signed-in person's kind of account (patients change their names here).
    kind: UserKind,
    /// Interface language.
    lang: Lang,
) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="my-data-title">
            <h2 id="my-data-title">{lang.t("Mes données", "My data")}</h2>
            <p class="meta">{lang.t(
                "Vous pouvez à tout moment corriger vos informations, télécharger tout ce que Sésame conserve sur vous, ou supprimer votre compte.",
                "You can correct your information, download everything Sésame holds about you, or delete your account at any time.",
            )}</p>
            <ul class="choices">
                <li><a href="/mon-compte/adresse">{lang.t("Changer mon adresse e-mail", "Change my e-mail address")}</a></li>
                {(kind == UserKind::Patient).then(|| view! {
                    <li><a href="/mon-compte/nom">{lang.t("Modifier mon nom", "Change my name")}</a></li>
                })}
                {(kind == UserKind::Professional).then(|| view! {
                    <li class="meta">{lang.t("Pour corriger votre nom, écrivez au support (page Aide) : il le vérifie.", "To correct your name, write to support (Help page): it checks it.")}</li>
                })}
            </ul>
            <form method="post" action=EXPORT_PATH class="actions">
                <button type="submit" class="button-secondary">{lang.t("Télécharger mes données", "Download my data")}</button>
            </form>
            <p class="hint">{lang.t(
                "Un fichier ZIP : vos informations (JSON) et les comptes rendus de vos profils (PDF). Au-delà de 10 comptes rendus, il est préparé en différé et un e-mail vous prévient.",
                "A ZIP file: your information (JSON) and your profiles' reports (PDF). Beyond 10 reports it is prepared later and an e-mail tells you.",
            )}</p>
            <p><a class="button button-danger-secondary" href="/mon-compte/supprimer">{lang.t("Supprimer mon compte", "Delete my account")}</a></p>
        </section>
    }
}

/// `/mon-compte/export`: where an export prepared in the background stands, and its
/// download once ready (the link of the e-mail that announces it).
#[component]
pub fn ExportPage() -> impl IntoView {
    let ctx = request_context();
    let lang = ctx.lang;
    let Some(user) = ctx.user else {
        return view! { <ErrorPage lang=lang error=AppError::SignInRequired/> }.into_any();
    };
    let title = lang.t("Télécharger mes données", "Download my data");
    let user_id = user.id;
    let status = Suspend::new(async move {
        let status = match crate::platform::app_state() {
            Ok(state) => super::store::status_of(&state.db, user_id, state.now()).await.unwrap_or_else(|e| {
                tracing::error!(error = %e, "data export status");
                None
            }),
            Err(_) => None,
        };
        match status {
            Some(super::store::ExportStatus::Preparing) => view! {
                <p role="status">{lang.t(
                    "Votre fichier est en préparation : vous avez beaucoup de comptes rendus. Nous vous écrivons dès qu'il est prêt, en général en quelques minutes ; revenez alors sur cette page.",
                    "Your file is being prepared: you have many reports. We write to you as soon as it is ready, usually within minutes; then come back to this page.",
                )}</p>
            }
            .into_any(),
            Some(super::store::ExportStatus::Ready { expires_at }) => {
                let until = match lang {
                    Lang::Fr => format!("Votre fichier est prêt. Il reste disponible jusqu'au {}.", crate::pages::date_time(expires_at, lang)),
                    Lang::En => format!("Your file is ready. It stays available until {}.", crate::pages::date_time(expires_at, lang)),
                };
                view! {
                    <p role="status">{until}</p>
                    <form method="post" action=EXPORT_FILE_PATH class="actions">
                        <button type="submit">{lang.t("Télécharger le fichier", "Download the file")}</button>
                    </form>
                    <form method="post" action=EXPORT_PATH class="actions">
                        <button type="submit" class="button-secondary">{lang.t("Préparer un nouveau fichier", "Prepare a new file")}</button>
                    </form>
                }
                .into_any()
            }
            None => view! {
                <p>{lang.t(
                    "Aucun fichier en attente. Demandez-en un : il contient vos informations (JSON) et les comptes rendus de vos profils (PDF).",
                    "No file waiting. Ask for one: it holds your information (JSON) and your profiles' reports (PDF).",
                )}</p>
                <form method="post" action=EXPORT_PATH class="actions">
                    <button type="submit">{lang.t("Télécharger mes données", "Download my data")}</button>
                </form>
            }
            .into_any(),
        }
    });
    view! {
        <Title text=title/>
        <section class="panel narrow">
            <h1>{title}</h1>
            {status}
            <p><a href="/mon-compte">{lang.t("Revenir à mon compte", "Back to my account")}</a></p>
        </section>
    }
    .into_any()
}

/// `/mon-compte/adresse`
#[component]
pub fn ChangeEmailPage() -> impl IntoView {
    let ctx = request_context();
    let lang = ctx.lang;
    if ctx.user.is_none() {
        return view! { <ErrorPage lang=lang error=AppError::SignInRequired/> }.into_any();
    }
    let sub = submitted::<Outcome>(<ChangeMyEmail as ServerFn>::PATH);
    let outcome = outcome_of(&sub, lang);
    let err = |k: &str| outcome.as_ref().and_then(|o| o.error_for(k)).unwrap_or_default();
    let (email_error, password_error, email_value) =
        (err("new_email"), err("current_password"), sub.value("new_email"));
    let done = outcome.as_ref().is_some_and(|o| o.is_ok());
    let title = lang.t("Changer mon adresse e-mail", "Change my e-mail address");
    view! {
        <Title text=title/>
        <section class="panel narrow">
            <h1>{title}</h1>
            <p class="form-intro">{lang.t(
                "Un lien de confirmation part à la nouvelle adresse ; elle remplace l'actuelle une fois confirmée, et toutes vos sessions se ferment. Votre adresse actuelle en est avertie.",
                "A confirmation link goes to the new address; it replaces the current one once confirmed, and all your sessions end. Your current address is told.",
            )}</p>
            <Notice outcome=Signal::stored(outcome.clone())/>
            {(!done).then(|| view! {
                <PlainForm fn_path={<ChangeMyEmail as ServerFn>::PATH} page="/mon-compte/adresse">
                    <RequiredNote lang=lang/>
                    <Input id="new_email" name="new_email" label=lang.t("Nouvelle adresse e-mail", "New e-mail address") input_type="email"
                        autocomplete="email" inputmode="email" value=email_value error=email_error/>
                    <Input id="current_password" name="current_password" label=lang.t("Mot de passe actuel", "Current password") input_type="password"
                        autocomplete="current-password" error=password_error/>
                    <button type="submit">{lang.t("Changer mon adresse e-mail", "Change my e-mail address")}</button>
                </PlainForm>
            })}
            <p><a href="/mon-compte">{lang.t("← Mon compte", "← My account")}</a></p>
        </section>
    }
    .into_any()
}

/// `/mon-compte/nom` (patients)
#[component]
pub fn ChangeNamesPage() -> impl IntoView {
    let ctx = request_context();
    let lang = ctx.lang;
    let Some(user) = ctx.user.clone().filter(|u| u.kind == UserKind::Patient) else {
        let error = if ctx.user.is_some() { AppError::Forbidden } else { AppError::SignInRequired };
        return view! { <ErrorPage lang=lang error=error/> }.into_any();
    };
    let sub = submitted::<Outcome>(<ChangeMyNames as ServerFn>::PATH);
    let outcome = outcome_of(&sub, lang);
    let err = |k: &str| outcome.as_ref().and_then(|o| o.error_for(k)).unwrap_or_default();
    let value = |k: &str, current: &str| if sub.values.is_empty() { current.to_string() } else { sub.value(k) };
    let (last_value, first_value) = (value("last_name", &user.last_name), value("first_name", &user.first_name));
    let (last_error, first_error) = (err("last_name"), err("first_name"));
    let title = lang.t("Modifier mon nom", "Change my name");
    view! {
        <Title text=title/>
        <section class="panel narrow">
            <h1>{title}</h1>
            <p class="form-intro">{lang.t(
                "Le nom de votre compte sert à vous saluer et à vérifier les dossiers que vous rattachez à votre nom. Les dossiers du laboratoire gardent le nom sous lequel ils ont été créés.",
                "Your account's name is used to greet you and to check the records you link under your name. The lab's records keep the name they were created with.",
            )}</p>
            <Notice outcome=Signal::stored(outcome.clone())/>
            <PlainForm fn_path={<ChangeMyNames as ServerFn>::PATH} page="/mon-compte/nom">
                <RequiredNote lang=lang/>
                <Input id="last_name" name="last_name" label=lang.t("Nom", "Last name") autocomplete="family-name"
                    value=last_value error=last_error/>
                <Input id="first_name" name="first_name" label=lang.t("Prénom", "First name") autocomplete="given-name"
                    value=first_value error=first_error/>
                <button type="submit">{lang.t("Enregistrer mon nom", "Save my name")}</button>
            </PlainForm>
            <p><a href="/mon-compte">{lang.t("← Mon compte", "← My account")}</a></p>
        </section>
    }
    .into_any()
}

/// `/mon-compte/supprimer`
#[component]
pub fn DeleteAccountPage() -> impl IntoView {
    let ctx = request_context();
    let lang = ctx.lang;
    let Some(user) = ctx.user.clone() else {
        return view! { <ErrorPage lang=lang error=AppError::SignInRequired/> }.into_any();
    };
    let sub = submitted::<Outcome>(<DeleteMyAccount as ServerFn>::PATH);
    let outcome = outcome_of(&sub, lang);
    let err = |k: &str| outcome.as_ref().and_then(|o| o.error_for(k)).unwrap_or_default();
    let title = lang.t("Supprimer mon compte", "Delete my account");
    let confirm_error = err("confirm");
    let (password_error, totp_error) = (err("current_password"), err("totp"));
    view! {
        <Title text=title/>
        <section class="panel narrow">
            <h1>{title}</h1>
            <h2>{lang.t("Ce qui est supprimé", "What is deleted")}</h2>
            <ul>
                <li>{lang.t("votre compte : adresse e-mail, nom, prénom, date de naissance, mot de passe, second facteur ;", "your account: e-mail address, names, birth date, password, second factor;")}</li>
                <li>{lang.t("vos profils (les dossiers rattachés à votre compte), vos sessions, vos droits et vos demandes d'accès ;", "your profiles (the records linked to your account), your sessions, your rights and your access requests;")}</li>
                <li>{lang.t("vos messages au support.", "your messages to support.")}</li>
            </ul>
            <h2>{lang.t("Ce que le laboratoire conserve", "What the lab keeps")}</h2>
            <p>{lang.t(
                "Les dossiers et les comptes rendus appartiennent au laboratoire, qui les conserve comme la loi l'y oblige ; vous pourrez les rattacher de nouveau à un autre compte avec un nouveau code d'activation. Le journal des actions est conservé sans aucune donnée permettant de vous identifier.",
                "Records and reports belong to the lab, which keeps them as the law requires; you can link them to another account again with a new activation code. The log of actions is kept without any data that identifies you.",
            )}</p>
            <p class="notice notice-warn">{lang.t("La suppression est immédiate et définitive. Pensez à télécharger vos données avant.", "Deletion is immediate and final. Consider downloading your data first.")}</p>
            <Notice outcome=Signal::stored(outcome.clone())/>
            <PlainForm fn_path={<DeleteMyAccount as ServerFn>::PATH} page="/mon-compte/supprimer">
                <RequiredNote lang=lang/>
                <Input id="current_password" name="current_password" label=lang.t("Mot de passe actuel", "Current password") input_type="password"
                    autocomplete="current-password" error=password_error/>
                {user.totp_enabled.then(|| view! {
                    <Input id="totp" name="totp" label=lang.t("Code de l'application d'authentification", "Authenticator app code")
                        autocomplete="one-time-code" inputmode="numeric" error=totp_error.clone()/>
                })}
                <div class="field">
                    <label class="check"><input type="checkbox" id="confirm" name="confirm" value="on" required=true
                        aria-invalid=if confirm_error.is_empty() { "false" } else { "true" } aria-describedby="confirm-error"/>
                        {lang.t("Je comprends que la suppression de mon compte est définitive", "I understand that deleting my account is final")}</label><Required/>
                    <p class="field-error" id="confirm-error">{confirm_error}</p>
                </div>
                <button type="submit" class="button-danger">{lang.t("Supprimer mon compte", "Delete my account")}</button>
            </PlainForm>
            <p><a href="/mon-compte">{lang.t("← Mon compte", "← My account")}</a></p>
        </section>
    }
    .into_any()
}

/// `/compte-supprime`
#[component]
pub fn AccountDeletedPage() -> impl IntoView {
    let lang = request_context().lang;
    let title = lang.t("Votre compte est supprimé", "Your account is deleted");
    view! {
        <Title text=title/>
        <section class="panel narrow">
            <h1>{title}</h1>
            <p>{lang.t(
                "Vos informations personnelles sont effacées de Sésame. Les dossiers et comptes rendus restent au laboratoire.",
                "Your personal information is erased from Sésame. Records and reports stay with the lab.",
            )}</p>
            <p><a href="/">{lang.t("Revenir à l'accueil", "Back to the home page")}</a></p>
        </section>
    }
}
