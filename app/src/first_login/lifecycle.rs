//! Provisional access codes left unused: two days before one expires, its owner gets it
//! again (a new code valid until the same day; the first keeps working). Run by the
//! scheduler; each reminder is claimed by a conditional update in the transaction that
//! queues its e-mail, so several instances send it once.

use crate::i18n::Lang;
use crate::platform::clock::DAY;
use crate::platform::mail::outbox;
use crate::platform::{AppState, audit, audit::AuditEntry};

/// How long before its expiry an unused code is reminded.
pub const REMIND_BEFORE: i64 = 2 * DAY;

#[derive(sqlx::FromRow)]
struct Due {
    code_hash: String,
    user_id: i64,
    request_id: Option<i64>,
    expires_at: i64,
    email: String,
    first_name: String,
    lang: String,
}

/// Sends the reminders that are due; returns how many.
pub async fn run_once(state: &AppState) -> Result<usize, sqlx::Error> {
    let now = state.now();
    let due: Vec<Due> = sqlx::query_as(
        "SELECT c.code_hash, c.user_id, c.request_id, c.expires_at, u.email, u.first_name, u.lang \
         FROM access_codes c JOIN users u ON u.id = c.user_id \
         WHERE c.used_at IS NULL AND c.reminded_at IS NULL AND c.expires_at > $1 AND c.expires_at <= $2 \
           AND u.status = 'invitation_sent' \
         ORDER BY c.expires_at LIMIT 500",
    )
    .bind(now)
    .bind(now + REMIND_BEFORE)
    .fetch_all(state.db.pool())
    .await?;
    let mut sent = 0;
    for d in due {
        let mut tx = state.db.begin().await?;
        let claimed = sqlx::query(
            "UPDATE access_codes SET reminded_at = $1 WHERE code_hash = $2 AND reminded_at IS NULL AND used_at IS NULL",
        )
        .bind(now)
        .bind(&d.code_hash)
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() != 1 {
            continue; // another instance sent it
        }
        let code = super::codes::issue_alongside(state, &mut tx, d.user_id, d.request_id, d.expires_at).await?;
        let lang = Lang::from_code(&d.lang);
        let mail = crate::support::emails::access_code_reminder(
            lang,
            &d.email,
            &d.first_name,
            &code.grouped(),
            &super::codes::first_sign_in_link(state, &code),
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
