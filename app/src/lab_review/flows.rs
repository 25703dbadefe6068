//! The review queue and support's two decisions. Every call checks that the caller is an
//! active support agent with a second factor; a link already decided is never decided twice.

use super::emails;
use crate::domain::access_request::Reason;
use crate::error::AppResult;
use crate::form::{NoticeKind, Outcome};
use crate::i18n::Lang;
use crate::platform::db::Db;
use crate::platform::mail::outbox;
use crate::platform::state::internal;
use crate::platform::{AppState, RequestContext, audit, audit::AuditEntry};
use crate::support::flows::require_support;
use sqlx::Row;

/// Most links shown at once: the oldest first, so none waits forever.
const PAGE: i64 = 100;

/// A record link waiting for the lab's review: what the person typed and what the lab has.
#[derive(Clone, Debug)]
pub struct ReviewItem {
    /// The link's id.
    pub id: i64,
    /// When the person asked for the link (Unix milliseconds).
    pub asked_at: i64,
    /// self | child | dependent.
    pub relation: String,
    /// The name given for the patient: typed for someone else, the account's own otherwise.
    pub given_name: String,
    /// The account holder's name.
    pub account_name: String,
    /// The lab's reference of the record.
    pub lab_reference: String,
    /// The record's first names and last name.
    pub record_name: String,
    /// The record's birth name, when it differs.
    pub record_birth_name: Option<String>,
    /// The record's birth date (ISO), which the person gave correctly.
    pub birth_date: String,
}

/// The links waiting for review, oldest first.
pub async fn pending(db: &Db) -> Result<Vec<ReviewItem>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT l.id, l.created_at, l.relation, l.typed_last_name, l.typed_first_name, \
                u.last_name AS account_last, u.first_name AS account_first, \
                r.lab_reference, r.last_name, r.birth_name, r.first_names, r.birth_date \
         FROM record_links l JOIN users u ON u.id = l.user_id JOIN patient_records r ON r.id = l.record_id \
         WHERE l.status = 'lab_review' ORDER BY l.created_at, l.id LIMIT $1",
    )
    .bind(PAGE)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter()
        .map(|r| {
            let account_name =
                format!("{} {}", r.try_get::<String, _>("account_first")?, r.try_get::<String, _>("account_last")?);
            let typed_last: Option<String> = r.try_get("typed_last_name")?;
            let typed_first: Option<String> = r.try_get("typed_first_name")?;
            let given_name = match (typed_first, typed_last) {
                (Some(f), Some(l)) => format!("{f} {l}"),
                _ => account_name.clone(),
            };
            Ok(ReviewItem {
                id: r.try_get("id")?,
                asked_at: r.try_get("created_at")?,
                relation: r.try_get("relation")?,
                given_name,
                account_name,
                lab_reference: r.try_get("lab_reference")?,
                record_name: format!(
                    "{} {}",
                    r.try_get::<String, _>("first_names")?,
                    r.try_get::<String, _>("last_name")?
                ),
                record_birth_name: r.try_get::<Option<String>, _>("birth_name")?.filter(|s| !s.is_empty()),
                birth_date: r.try_get("birth_date")?,
            })
        })
        .collect()
}

/// How many links wait for review (the back-office navigation badge).
pub async fn waiting_count(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM record_links WHERE status = 'lab_review'").fetch_one(db.pool()).await
}

/// The account holder of a link, to write to.
struct Holder {
    user_id: i64,
    record_id: i64,
    email: String,
    first_name: String,
    lang: String,
}

/// Moves a link out of review, once: `None` when it was no longer waiting.
async fn decide(
    tx: &mut crate::platform::db::Tx,
    id: i64,
    status: &str,
    reason: Option<&str>,
    agent: i64,
    now: i64,
) -> Result<Option<Holder>, sqlx::Error> {
    let row = sqlx::query(
        "UPDATE record_links SET status = $1, review_reason = $2, reviewed_at = $3, reviewed_by = $4 \
         WHERE id = $5 AND status = 'lab_review' RETURNING user_id, record_id",
    )
    .bind(status)
    .bind(reason)
    .bind(now)
    .bind(agent)
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let user_id: i64 = row.try_get("user_id")?;
    let record_id: i64 = row.try_get("record_id")?;
    let user = sqlx::query("SELECT email, first_name, lang FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&mut **tx)
        .await?;
    Ok(Some(Holder {
        user_id,
        record_id,
        email: user.try_get("email")?,
        first_name: user.try_get("first_name")?,
        lang: user.try_get("lang")?,
    }))
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

/// Links the record: the names are the same person's after all.
pub async fn confirm(state: &AppState, ctx: &RequestContext, id: i64) -> AppResult<Outcome> {
    let lang = ctx.lang;
    let agent = require_support(ctx)?;
    let now = state.now();
    let mut tx = state.db.begin().await.map_err(internal("begin"))?;
    let Some(holder) = decide(&mut tx, id, "linked", None, agent.id, now).await.map_err(internal("decide"))? else {
        return Ok(already_decided(lang));
    };
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(agent.id), "record.review_linked", "patient_record", Some(holder.record_id))
            .with(serde_json::json!({ "link_id": id, "user_id": holder.user_id })),
    )
    .await
    .map_err(internal("audit"))?;
    let mail = emails::linked(
        Lang::from_code(&holder.lang),
        &holder.email,
        &holder.first_name,
        &state.settings.url("/mon-compte"),
    );
    outbox::enqueue(&mut tx, &mail, now).await.map_err(internal("outbox"))?;
    tx.commit().await.map_err(internal("commit"))?;
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
pub async fn refuse(state: &AppState, ctx: &RequestContext, id: i64, reason: &str) -> AppResult<Outcome> {
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
    let mut tx = state.db.begin().await.map_err(internal("begin"))?;
    let Some(holder) =
        decide(&mut tx, id, "rejected", Some(reason.as_str()), agent.id, now).await.map_err(internal("decide"))?
    else {
        return Ok(already_decided(lang));
    };
    sqlx::query(
        "UPDATE activation_codes SET used_at = NULL, used_by_user_id = NULL \
         WHERE record_id = $1 AND used_by_user_id = $2 AND replaced_at IS NULL",
    )
    .bind(holder.record_id)
    .bind(holder.user_id)
    .execute(&mut *tx)
    .await
    .map_err(internal("free code"))?;
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(agent.id), "record.review_refused", "patient_record", Some(holder.record_id))
            .with(serde_json::json!({ "link_id": id, "user_id": holder.user_id, "reason": reason.as_str() })),
    )
    .await
    .map_err(internal("audit"))?;
    let mail = emails::refused(
        Lang::from_code(&holder.lang),
        &holder.email,
        &holder.first_name,
        reason.as_str(),
        &state.settings.url("/activation"),
    );
    outbox::enqueue(&mut tx, &mail, now).await.map_err(internal("outbox"))?;
    tx.commit().await.map_err(internal("commit"))?;
    state.wake_mailer();
    Ok(Outcome::notice(
        NoticeKind::Success,
        lang.t(
            "Le rattachement est refusé ; la personne reçoit le motif par e-mail et peut saisir le code de nouveau.",
            "The link is refused; the person gets the reason by e-mail and can enter the code again.",
        ),
    ))
}
