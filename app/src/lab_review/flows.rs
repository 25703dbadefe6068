//! The review queue and support's two decisions. Every call checks that the caller is an
//! active support agent with a second factor; a link already decided is never decided twice.

use super::emails;
use crate::activation::store as records;
use crate::domain::access_request::Reason;
use crate::error::FlowResult;
use crate::form::{NoticeKind, Outcome};
use crate::i18n::Lang;
use crate::platform::db::{Db, Tx};
use crate::platform::guards::require_support;
use crate::platform::mail::outbox;
use crate::platform::{AppState, RequestContext, audit, audit::AuditEntry};

pub use crate::activation::store::ReviewItem;

/// Most links shown at once: the oldest first, so none waits forever.
const PAGE: i64 = 100;

/// The links waiting for review, oldest first.
#[tracing::instrument(skip_all)]
pub async fn pending(db: &Db) -> Result<Vec<ReviewItem>, sqlx::Error> {
    records::waiting_review(db, PAGE).await
}

/// How many links wait for review (the back-office navigation badge).
#[tracing::instrument(skip_all)]
pub async fn waiting_count(db: &Db) -> Result<i64, sqlx::Error> {
    records::waiting_review_count(db).await
}

fn already_decided(lang: Lang) -> Outcome {
    Outcome::notice(
        NoticeKind::Warn,
        lang.t(
            "Cette demande de rattachement a déjà été traitée : rien n'a été modifié.",
            "This link request was already handled: nothing was changed.",
        ),
    )
}

/// The account holder of a decided link, to write to.
async fn holder(tx: &mut Tx, user_id: i64) -> FlowResult<crate::accounts::store::UserRow> {
    crate::accounts::store::find_in(tx, user_id)
        .await?
        .ok_or_else(|| crate::error::FlowError::Other(format!("link of a missing account {user_id}")))
}

/// Links the record: the names are the same person's after all.
#[tracing::instrument(skip_all)]
pub async fn confirm(state: &AppState, ctx: &RequestContext, id: i64) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let agent = require_support(ctx)?;
    let now = state.now();
    let mut tx = state.db.begin().await?;
    let Some((user_id, record_id)) = records::decide_review(&mut tx, id, true, None, agent.id, now).await? else {
        return Ok(already_decided(lang));
    };
    let holder = holder(&mut tx, user_id).await?;
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(agent.id), "record.review_linked", "patient_record", Some(record_id))
            .with(serde_json::json!({ "link_id": id, "user_id": user_id })),
    )
    .await?;
    let mail = emails::linked(holder.language(), &holder.email, &holder.first_name, &state.settings.url("/mon-compte"));
    outbox::enqueue(&mut tx, &mail, now).await?;
    tx.commit().await?;
    state.wake_mailer();
    Ok(Outcome::notice(
        NoticeKind::Success,
        lang.t(
            "Le dossier est rattaché ; la personne est prévenue par e-mail.",
            "The record is linked; the person is told by e-mail.",
        ),
    ))
}

/// Refuses the link with a reason and frees the code, so that it can be entered again
/// (as a child's record, say) or by the patient it belongs to — unless the lab replaced
/// that code meanwhile: a replaced code stays dead.
#[tracing::instrument(skip_all)]
pub async fn refuse(state: &AppState, ctx: &RequestContext, id: i64, reason: &str) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let agent = require_support(ctx)?;
    let Some(reason) = Reason::parse(reason) else {
        return Ok(Outcome::invalid(
            vec![(
                crate::form::reason_field(id),
                lang.t(
                    "Indiquez le motif du refus : il sera transmis à la personne, avec la marche à suivre.",
                    "Give the reason for the refusal: it is sent to the person, with what to do next.",
                )
                .into(),
            )],
            lang,
        ));
    };
    let now = state.now();
    let mut tx = state.db.begin().await?;
    let Some((user_id, record_id)) =
        records::decide_review(&mut tx, id, false, Some(reason.as_str()), agent.id, now).await?
    else {
        return Ok(already_decided(lang));
    };
    records::free_code(&mut tx, record_id, user_id).await?;
    let holder = holder(&mut tx, user_id).await?;
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(agent.id), "record.review_refused", "patient_record", Some(record_id))
            .with(serde_json::json!({ "link_id": id, "user_id": user_id, "reason": reason.as_str() })),
    )
    .await?;
    let mail = emails::refused(
        holder.language(),
        &holder.email,
        &holder.first_name,
        reason.as_str(),
        &state.settings.url("/activation"),
    );
    outbox::enqueue(&mut tx, &mail, now).await?;
    tx.commit().await?;
    state.wake_mailer();
    Ok(Outcome::notice(
        NoticeKind::Success,
        lang.t(
            "Le rattachement est refusé ; la personne reçoit le motif par e-mail et peut saisir le code de nouveau.",
            "The link is refused; the person gets the reason by e-mail and can enter the code again.",
        ),
    ))
}
