//! The invitation lifecycle, run by a periodic scheduler: a pending invitation is reminded
//! on days 3, 7 and 11, and expires on day 14.
//!
//! Safe with several server instances: each reminder and each expiry is claimed with a
//! conditional `UPDATE` (the row must still be in the state this instance read), in the same
//! transaction as the e-mail it sends, so only one instance ever acts on it.

use super::emails;
use crate::accounts::store::{self as accounts, TokenPurpose};
use crate::i18n::Lang;
use crate::platform::clock::DAY;
use crate::platform::mail::outbox;
use crate::platform::{AppState, audit, audit::AuditEntry};

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
#[tracing::instrument(skip_all)]
pub async fn run_once(state: &AppState) -> Result<Pass, sqlx::Error> {
    let mut pass = Pass::default();
    let now = state.now();
    for due in accounts::invitations_sent_before(&state.db, now - EXPIRY_DAYS * DAY).await? {
        let mut tx = state.db.begin().await?;
        if accounts::expire_invitation(&mut tx, due.id, due.invited_at, now).await? {
            audit::record(
                &mut tx,
                now,
                AuditEntry::new(None, "invitation.expired", "user", Some(due.id))
                    .with(serde_json::json!({ "from": "invitation_sent", "to": "invitation_expired" })),
            )
            .await?;
            pass.expired += 1;
        }
        tx.commit().await?;
    }

    for due in accounts::invitations_sent_before(&state.db, now - REMINDER_DAYS[0] * DAY).await? {
        let target = reminders_due(now - due.invited_at);
        if target <= due.invitation_reminders || now - due.invited_at >= EXPIRY_DAYS * DAY {
            continue;
        }
        let mut tx = state.db.begin().await?;
        if !accounts::claim_reminder(&mut tx, &due, target).await? {
            continue; // another instance sent it
        }
        // A fresh link valid until the invitation's end; earlier links keep working.
        let token =
            accounts::add_token(&mut tx, due.id, TokenPurpose::Invitation, now, due.invited_at + EXPIRY_DAYS * DAY)
                .await?;
        let link = state.settings.url(&format!("/invitation?jeton={token}"));
        let mail = emails::invitation(Lang::from_code(&due.lang), &due.email, &due.first_name, &link, target as u32);
        outbox::enqueue(&mut tx, &mail, now).await?;
        audit::record(
            &mut tx,
            now,
            AuditEntry::new(None, "invitation.reminded", "user", Some(due.id))
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
