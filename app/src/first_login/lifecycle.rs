//! Provisional access codes left unused: two days before one expires, its owner gets it
//! again (a new code valid until the same day; the first keeps working). Run by the
//! scheduler; each reminder is claimed by a conditional update in the transaction that
//! queues its e-mail, so several instances send it once.

use super::store;
use crate::i18n::Lang;
use crate::platform::clock::DAY;
use crate::platform::mail::outbox;
use crate::platform::{AppState, audit, audit::AuditEntry};

/// How long before its expiry an unused code is reminded.
pub const REMIND_BEFORE: i64 = 2 * DAY;

/// Sends the reminders that are due; returns how many.
#[tracing::instrument(skip_all)]
pub async fn run_once(state: &AppState) -> Result<usize, sqlx::Error> {
    let now = state.now();
    let due = store::unused_expiring(&state.db, now, now + REMIND_BEFORE).await?;
    let mut sent = 0;
    for d in due {
        let mut tx = state.db.begin().await?;
        if !store::claim_reminder(&mut tx, &d.code_hash, now).await? {
            continue; // another instance sent it
        }
        let code = store::issue_alongside(state, &mut tx, d.user_id, d.request_id, d.expires_at).await?;
        let lang = Lang::from_code(&d.lang);
        let mail = crate::support::emails::access_code_reminder(
            lang,
            &d.email,
            &d.first_name,
            &code.grouped(),
            &store::first_sign_in_link(state, &code),
        );
        outbox::enqueue(&mut tx, &mail, now).await?;
        audit::record(&mut tx, now, AuditEntry::new(None, "access_code.reminded", "user", Some(d.user_id))).await?;
        tx.commit().await?;
        sent += 1;
    }
    if sent > 0 {
        state.wake_mailer();
    }
    Ok(sent)
}
