//! On `/mon-compte`: how a person hears about new documents. A patient turns the "new
//! report" e-mails on or off; a professional chooses an e-mail per document or a daily
//! digest (the default). A plain form: it works without WebAssembly.

// `#[server]` generates a public argument struct; its field is the documented parameter.
#![allow(missing_docs)]

use crate::domain::account::UserKind;
use crate::error::AppError;
use crate::form::PlainForm;
use crate::form::{NoticeKind, Outcome, submitted};
use crate::i18n::Lang;
use crate::platform::audit::{self, AuditEntry};
use crate::ui::notice::Notice;
use crate::ui::plain::outcome_of;
use leptos::prelude::*;
use server_fn::ServerFn;

/// Saves the signed-in person's choice: `on`/`off` (patients), `each`/`digest`
/// (professionals).
#[server(endpoint = "avis-documents")]
pub async fn set_document_notices(choice: String) -> Result<Outcome, AppError> {
    let state = crate::platform::app_state()?;
    let ctx = crate::platform::request_context();
    let user = ctx.require_user()?;
    let lang = ctx.lang;
    let now = state.now();
    let mut tx = state.db.begin().await?;
    let saved = match (user.kind, choice.as_str()) {
        (UserKind::Patient, "on" | "off") => {
            crate::accounts::store::set_report_emails(&mut tx, user.id, choice == "on", now).await?;
            true
        }
        (UserKind::Professional, "each" | "digest") => {
            crate::accounts::store::set_notice_mode(&mut tx, user.id, choice == "each", now).await?;
            true
        }
        (UserKind::Support, _) => return Err(AppError::Forbidden),
        _ => false,
    };
    if !saved {
        return Ok(Outcome::notice(
            NoticeKind::Error,
            lang.t("Choisissez une des options proposées.", "Choose one of the options."),
        ));
    }
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(user.id), "account.notices_changed", "user", Some(user.id))
            .with(serde_json::json!({ "choice": choice })),
    )
    .await?;
    tx.commit().await?;
    Ok(Outcome::notice(
        NoticeKind::Success,
        lang.t("Vos préférences sont enregistrées.", "Your preferences are saved."),
    ))
}

/// The preferences panel of `/mon-compte` (patients and professionals).
#[component]
pub fn DocumentNotices(user_id: i64, kind: UserKind, lang: Lang) -> impl IntoView {
    let sub = submitted::<Outcome>(<SetDocumentNotices as ServerFn>::PATH);
    let outcome = outcome_of(&sub, lang);
    Suspend::new(async move {
        let (report_emails, each) = match crate::platform::app_state() {
            Ok(state) => crate::accounts::store::notice_prefs(&state.db, user_id).await.unwrap_or_else(|e| {
                tracing::error!(error = %e, "notice preferences");
                (true, false)
            }),
            Err(_) => (true, false),
        };
        let (first, second, first_on) = if kind == UserKind::Patient {
            (
                (
                    "on",
                    lang.t(
                        "M'envoyer un e-mail quand un compte rendu est disponible",
                        "E-mail me when a report is available",
                    ),
                ),
                ("off", lang.t("Ne pas m'envoyer ces e-mails", "Do not send me these e-mails")),
                report_emails,
            )
        } else {
            (
                ("each", lang.t("Un e-mail par document", "One e-mail per document")),
                ("digest", lang.t("Un récapitulatif par jour (vers 7 h)", "One summary a day (around 7 am)")),
                each,
            )
        };
        view! {
            <section class="panel" id="avis">
                <h2>{lang.t("E-mails sur les nouveaux documents", "E-mails about new documents")}</h2>
                <Notice outcome=Signal::stored(outcome.clone())/>
                <PlainForm fn_path={<SetDocumentNotices as ServerFn>::PATH} page="/mon-compte">
                    <fieldset>
                        <legend>{if kind == UserKind::Patient {
                            lang.t("Quand le laboratoire publie un compte rendu", "When the lab publishes a report")
                        } else {
                            lang.t("Quand le laboratoire publie un résultat ou une facture pour vos sites", "When the lab publishes a result or an invoice for your sites")
                        }}</legend>
                        <label class="choice"><input type="radio" name="choice" value=first.0 checked=first_on/>" "{first.1}</label>
                        <label class="choice"><input type="radio" name="choice" value=second.0 checked=!first_on/>" "{second.1}</label>
                    </fieldset>
                    <p class="meta">{lang.t("Ces e-mails ne contiennent aucun résultat ni nom de patient.", "These e-mails hold no result and no patient name.")}</p>
                    <button type="submit" class="button-secondary">{lang.t("Enregistrer mes préférences", "Save my preferences")}</button>
                </PlainForm>
            </section>
        }
    })
}
