//! Inactive accounts (privacy notice: deleted after three years without a sign-in): their
//! owner is warned by e-mail 30 days before, and a sign-in in between keeps the account.
//! Each warning and each deletion is claimed by a conditional update, so several instances
//! never warn twice or delete an account that was just used. A deletion is the same
//! erasure as the owner's own (`my_data::flows::erase_everything`): the row stays as a
//! tombstone, so its id is never given to a new account.

use super::store;
use crate::i18n::Lang;
use crate::platform::mail::outbox;
use crate::platform::retention::{INACTIVE_ACCOUNT, INACTIVITY_WARNING};
use crate::platform::{AppState, audit, audit::AuditEntry};

/// Warns the owners of accounts about to reach three years of inactivity, and deletes those
/// warned 30 days ago that stayed unused. Returns (warned, deleted).
#[tracing::instrument(skip_all)]
pub async fn apply(state: &AppState) -> Result<(u64, u64), sqlx::Error> {
    let now = state.now();
    let to_warn = store::idle_unwarned(&state.db, now - (INACTIVE_ACCOUNT - INACTIVITY_WARNING)).await?;
    let mut warned = 0;
    for idle in to_warn {
        let mut tx = state.db.begin().await?;
        if !store::claim_inactivity_warning(&mut tx, idle.id, now).await? {
            continue;
        }
        let sign_in = state.settings.url("/connexion");
        let mail =
            super::emails::inactivity_warning(Lang::from_code(&idle.lang), &idle.email, &idle.first_name, &sign_in);
        outbox::enqueue(&mut tx, &mail, now).await?;
        audit::record(&mut tx, now, AuditEntry::new(None, "account.inactivity_warned", "user", Some(idle.id))).await?;
        tx.commit().await?;
        warned += 1;
    }
    if warned > 0 {
        state.wake_mailer();
    }
    let mut tx = state.db.begin().await?;
    let deleted = store::claim_inactive(&mut tx, now - INACTIVE_ACCOUNT, now - INACTIVITY_WARNING, now).await?;
    let mut files = Vec::new();
    for (id, email) in &deleted {
        files.extend(crate::my_data::flows::erase_everything(&mut tx, *id, email, now).await?);
        audit::record(&mut tx, now, AuditEntry::new(None, "account.deleted_inactive", "user", Some(*id))).await?;
    }
    tx.commit().await?;
    for key in &files {
        crate::documents::store::forget_bytes(state, key).await;
    }
    Ok((warned, deleted.len() as u64))
}
