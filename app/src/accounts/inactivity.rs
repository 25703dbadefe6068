//! Inactive accounts (privacy notice: deleted after three years without a sign-in): their
//! owner is warned by e-mail 30 days before, and a sign-in in between keeps the account.
//! Each warning and each deletion is claimed by a conditional update, so several instances
//! never warn twice or delete an account that was just used.

use crate::domain::account::UserKind;
use crate::i18n::Lang;
use crate::platform::mail::outbox;
use crate::platform::mail::template::{Message, greeting};
use crate::platform::retention::{INACTIVE_ACCOUNT, INACTIVITY_WARNING};
use crate::platform::{AppState, audit, audit::AuditEntry};

#[derive(sqlx::FromRow)]
struct Idle {
    id: i64,
    email: String,
    first_name: String,
    lang: String,
}

/// Warns the owners of accounts about to reach three years of inactivity, and deletes those
/// warned 30 days ago that stayed unused. Returns (warned, deleted).
pub async fn apply(state: &AppState) -> Result<(u64, u64), sqlx::Error> {
    let now = state.now();
    let kinds = [UserKind::Patient.as_str(), UserKind::Professional.as_str()];
    let to_warn: Vec<Idle> = sqlx::query_as(
        "SELECT id, email, first_name, lang FROM users \
         WHERE last_active_at < $1 AND inactivity_warned_at IS NULL AND kind IN ($2, $3) AND status <> 'unverified' \
         ORDER BY id LIMIT 500",
    )
    .bind(now - (INACTIVE_ACCOUNT - INACTIVITY_WARNING))
    .bind(kinds[0])
    .bind(kinds[1])
    .fetch_all(state.db.pool())
    .await?;
    let mut warned = 0;
    for idle in to_warn {
        let mut tx = state.db.begin().await?;
        let claimed =
            sqlx::query("UPDATE users SET inactivity_warned_at = $1 WHERE id = $2 AND inactivity_warned_at IS NULL")
                .bind(now)
                .bind(idle.id)
                .execute(&mut *tx)
                .await?;
        if claimed.rows_affected() != 1 {
            continue;
        }
        let lang = Lang::from_code(&idle.lang);
        let mail = Message {
            subject: lang
                .t("Votre compte Sésame sera supprimé dans 30 jours", "Your Sésame account will be deleted in 30 days")
                .into(),
            greeting: greeting(lang, &idle.first_name),
            paragraphs: vec![lang
                .t(
                    "Vous ne vous êtes pas connecté à Sésame depuis près de trois ans. Comme l'annonce notre politique de confidentialité, votre compte et ses rattachements seront supprimés dans 30 jours. Pour le garder, il suffit de vous connecter.",
                    "You have not signed in to Sésame for nearly three years. As our privacy notice says, your account and its links will be deleted in 30 days. To keep it, just sign in.",
                )
                .into()],
            button: Some((lang.t("Me connecter", "Sign in").into(), state.settings.url("/connexion"))),
            ..Default::default()
        }
        .render(lang, &idle.email, "inactivity_warning");
        outbox::enqueue(&mut tx, &mail, now).await?;
        audit::record(&mut tx, now, AuditEntry::new(None, "account.inactivity_warned", "user", Some(idle.id))).await?;
        tx.commit().await?;
        warned += 1;
    }
    if warned > 0 {
        state.wake_mailer();
    }
    let mut tx = state.db.begin().await?;
    let deleted: Vec<i64> = sqlx::query_scalar(
        "DELETE FROM users WHERE last_active_at < $1 AND inactivity_warned_at IS NOT NULL AND inactivity_warned_at <= $2 \
         AND kind IN ($3, $4) RETURNING id",
    )
    .bind(now - INACTIVE_ACCOUNT)
    .bind(now - INACTIVITY_WARNING)
    .bind(kinds[0])
    .bind(kinds[1])
    .fetch_all(&mut *tx)
    .await?;
    for id in &deleted {
        audit::record(&mut tx, now, AuditEntry::new(None, "account.deleted_inactive", "user", Some(*id))).await?;
    }
    tx.commit().await?;
    Ok((warned, deleted.len() as u64))
}

/// Records that an account was used now (at each sign-in): it is not inactive, and any
/// warning no longer applies.
pub async fn touch(tx: &mut crate::platform::db::Tx, user_id: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET last_active_at = $1, inactivity_warned_at = NULL WHERE id = $2")
        .bind(now)
        .bind(user_id)
        .execute(&mut **tx)
        .await
        .map(|_| ())
}
