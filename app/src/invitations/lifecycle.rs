//! The invitation lifecycle, run by a periodic scheduler: a pending invitation is reminded
//! on days 3, 7 and 11, and expires on day 14.
//!
//! Safe with several server instances: each reminder and each expiry is claimed with a
//! conditional `UPDATE` (the row must still be in the state this instance read), in the same
//! transaction as the e-mail it sends, so only one instance ever acts on it.

use super::emails;
use crate::i18n::Lang;
use crate::platform::clock::DAY;
use crate::platform::crypto::{random_token, sha256_hex};
use crate::platform::mail::outbox;
use crate::platform::{AppState, audit, audit::AuditEntry};
use sqlx::Row;

/// Days after the invitation when reminders go out.
pub const REMINDER_DAYS: [i64; 3] = [3, 7, 11];
/// Days after which an invitation not accepted expires.
pub const EXPIRY_DAYS: i64 = 14;

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    /// Reminders sent.
    pub reminders: usize,
    /// Invitations expired.
    pub expired: usize,
}

/// Reminders due `elapsed` milliseconds after an invitation.
pub fn reminders_due(elapsed: i64) -> i64 {
    REMINDER_DAYS.iter().filter(|d| elapsed >= **d * DAY).count() as i64
}

/// Runs one pass: expiries, then reminders.
pub async fn run_once(state: &AppState) -> Result<Pass, sqlx::Error> {
    let mut pass = Pass::default();
    let now = state.now();
    let expired = sqlx::query("SELECT id, invited_at FROM users WHERE status = 'invitation_sent' AND invited_at IS NOT NULL AND invited_at <= $1")
        .bind(now - EXPIRY_DAYS * DAY)
        .fetch_all(state.db.pool())
        .await?;
    for row in expired {
        let id: i64 = row.try_get("id")?;
        let invited_at: i64 = row.try_get("invited_at")?;
        let mut tx = state.db.begin().await?;
        let r = sqlx::query("UPDATE users SET status = 'invitation_expired', updated_at = $1 WHERE id = $2 AND status = 'invitation_sent' AND invited_at = $3")
            .bind(now)
            .bind(id)
            .bind(invited_at)
            .execute(&mut *tx)
            .await?;
        if r.rows_affected() == 1 {
            audit::record(
                &mut tx,
                now,
                AuditEntry::new(None, "invitation.expired", "user", Some(id))
                    .with(serde_json::json!({ "from": "invitation_sent", "to": "invitation_expired" })),
            )
            .await?;
            pass.expired += 1;
        }
        tx.commit().await?;
    }

    let due = sqlx::query(
        "SELECT id, email, first_name, lang, invited_at, invitation_reminders FROM users \
         WHERE status = 'invitation_sent' AND invited_at IS NOT NULL AND invitation_reminders < 3 AND invited_at <= $1",
    )
    .bind(now - REMINDER_DAYS[0] * DAY)
    .fetch_all(state.db.pool())
    .await?;
    for row in due {
        let id: i64 = row.try_get("id")?;
        let invited_at: i64 = row.try_get("invited_at")?;
        let sent: i64 = row.try_get("invitation_reminders")?;
        let target = reminders_due(now - invited_at);
        if target <= sent || now - invited_at >= EXPIRY_DAYS * DAY {
            continue;
        }
        let mut tx = state.db.begin().await?;
        let claimed = sqlx::query(
            "UPDATE users SET invitation_reminders = $1 WHERE id = $2 AND invitation_reminders = $3 AND status = 'invitation_sent' AND invited_at = $4",
        )
        .bind(target)
        .bind(id)
        .bind(sent)
        .bind(invited_at)
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() != 1 {
            continue; // another instance sent it
        }
        // A fresh link valid until the invitation's end; earlier links keep working.
        let token = random_token();
        sqlx::query("INSERT INTO email_tokens (token_hash, user_id, purpose, created_at, expires_at) VALUES ($1, $2, 'invitation', $3, $4)")
            .bind(sha256_hex(&token))
            .bind(id)
            .bind(now)
            .bind(invited_at + EXPIRY_DAYS * DAY)
            .execute(&mut *tx)
            .await?;
        let lang = Lang::from_code(&row.try_get::<String, _>("lang")?);
        let link = state.settings.url(&format!("/invitation?jeton={token}"));
        let mail = emails::invitation(
            lang,
            &row.try_get::<String, _>("email")?,
            &row.try_get::<String, _>("first_name")?,
            &link,
            target as u32,
        );
        outbox::enqueue(&mut tx, &mail, now).await?;
        audit::record(
            &mut tx,
            now,
            AuditEntry::new(None, "invitation.reminded", "user", Some(id))
                .with(serde_json::json!({ "reminder": target })),
        )
        .await?;
        tx.commit().await?;
        pass.reminders += 1;
    }
    if pass.reminders > 0 {
        state.wake_mailer();
    }
    Ok(pass)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reminders_on_days_three_seven_eleven() {
        assert_eq!(reminders_due(2 * DAY), 0);
        assert_eq!(reminders_due(3 * DAY), 1);
        assert_eq!(reminders_due(6 * DAY), 1);
        assert_eq!(reminders_due(7 * DAY), 2);
        assert_eq!(reminders_due(11 * DAY), 3);
        assert_eq!(reminders_due(13 * DAY), 3);
    }
}
