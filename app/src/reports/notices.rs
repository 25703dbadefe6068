//! Who is told about a published document, in the transaction that stores it:
//! the accounts linked to the patient's record (unless they turned these e-mails off), and
//! the professionals of the prescribing structure who hold the right and see the site —
//! one e-mail per document or a daily digest, as each chose. Withdrawing a document cancels
//! what has not left.

use super::emails;
use super::store;
use crate::i18n::Lang;
use crate::platform::AppState;
use crate::platform::db::Tx;
use crate::platform::mail::outbox;
use crate::professional::store::{DocumentRight, notice_recipients};

/// How many people a publication reached.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Told {
    /// Patients' accounts e-mailed.
    pub patients: u64,
    /// Professionals e-mailed now.
    pub professionals: u64,
    /// Professionals who will read it in their digest.
    pub in_digest: u64,
}

/// The `about` label of mails on a report.
pub fn report_label(report_id: i64) -> String {
    format!("report:{report_id}")
}

/// The `about` label of mails on an invoice.
pub fn invoice_label(invoice_id: i64) -> String {
    format!("invoice:{invoice_id}")
}

/// Tells everyone concerned that a report (version) was published.
pub async fn report_published(
    state: &AppState,
    tx: &mut Tx,
    report_id: i64,
    head: &store::ReportHead<'_>,
    completed: bool,
) -> Result<Told, sqlx::Error> {
    let now = state.now();
    let about = report_label(report_id);
    let mut told = Told::default();
    let link = state.settings.url(&format!("/mes-resultats/{report_id}"));
    for holder in crate::activation::store::holders_to_notify(tx, head.record_id).await? {
        let mail = emails::report_available(
            Lang::from_code(&holder.lang),
            &holder.email,
            &holder.first_name,
            completed,
            &link,
        );
        outbox::enqueue_about(tx, &mail, now, &about).await?;
        told.patients += 1;
    }
    if let Some(structure_id) = head.structure_id {
        let link = state.settings.url("/resultats");
        for pro in notice_recipients(tx, structure_id, head.site_id, DocumentRight::Results).await? {
            if pro.notice_mode == "each" {
                let mail = emails::document_for_professional(
                    Lang::from_code(&pro.lang),
                    &pro.email,
                    &pro.first_name,
                    false,
                    &link,
                );
                outbox::enqueue_about(tx, &mail, now, &about).await?;
                told.professionals += 1;
            } else {
                store::add_digest_item(tx, pro.user_id, "report", report_id, now).await?;
                told.in_digest += 1;
            }
        }
    }
    Ok(told)
}

/// Tells the professionals with the Invoices right on its site that an invoice was published.
pub async fn invoice_published(
    state: &AppState,
    tx: &mut Tx,
    invoice_id: i64,
    structure_id: i64,
    site_id: i64,
) -> Result<Told, sqlx::Error> {
    let now = state.now();
    let about = invoice_label(invoice_id);
    let link = state.settings.url("/factures");
    let mut told = Told::default();
    for pro in notice_recipients(tx, structure_id, Some(site_id), DocumentRight::Invoices).await? {
        if pro.notice_mode == "each" {
            let mail =
                emails::document_for_professional(Lang::from_code(&pro.lang), &pro.email, &pro.first_name, true, &link);
            outbox::enqueue_about(tx, &mail, now, &about).await?;
            told.professionals += 1;
        } else {
            store::add_digest_item(tx, pro.user_id, "invoice", invoice_id, now).await?;
            told.in_digest += 1;
        }
    }
    Ok(told)
}

/// Cancels what was not yet sent about a withdrawn document; returns the mails cancelled.
pub async fn withdrawn(tx: &mut Tx, kind: &str, id: i64, now: i64) -> Result<u64, sqlx::Error> {
    store::drop_digest_items(tx, kind, id).await?;
    outbox::cancel_about(tx, &format!("{kind}:{id}"), now).await
}

/// The hour (Europe/Paris) at which daily digests leave.
pub const DIGEST_HOUR: i8 = 7;

/// The latest digest time (07:00 in Paris) at or before `now` (Unix milliseconds).
pub fn last_digest_time(now: i64) -> i64 {
    let zone = jiff::tz::TimeZone::get("Europe/Paris").unwrap_or(jiff::tz::TimeZone::UTC);
    let Ok(ts) = jiff::Timestamp::from_millisecond(now) else { return now };
    let local = ts.to_zoned(zone.clone());
    let at = |date: jiff::civil::Date| {
        date.at(DIGEST_HOUR, 0, 0, 0).to_zoned(zone.clone()).map(|z| z.timestamp().as_millisecond()).unwrap_or(now)
    };
    let today = at(local.date());
    if today <= now { today } else { local.date().yesterday().map(at).unwrap_or(now) }
}

/// Sends the daily digests due at `now`: one e-mail per professional for everything that
/// arrived before the last 07:00 (Paris). Safe with several instances (items are claimed by
/// the deleting statement). Returns how many digests were queued.
#[tracing::instrument(skip_all)]
pub async fn send_digests(state: &AppState) -> Result<u64, sqlx::Error> {
    let now = state.now();
    let cutoff = last_digest_time(now);
    let mut tx = state.db.begin().await?;
    let due = store::take_digests(&mut tx, cutoff).await?;
    let mut sent = 0;
    let link = state.settings.url("/resultats");
    for item in due {
        let Some(to) = crate::accounts::store::digest_recipient(&mut tx, item.user_id).await? else { continue };
        let mail =
            emails::digest(Lang::from_code(&to.lang), &to.email, &to.first_name, item.reports, item.invoices, &link);
        outbox::enqueue(&mut tx, &mail, now).await?;
        sent += 1;
    }
    tx.commit().await?;
    if sent > 0 {
        state.wake_mailer();
    }
    Ok(sent)
}
