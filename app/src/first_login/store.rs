//! The owner of `access_codes`: provisional access codes, random, single use, valid 7 days,
//! stored as keyed hashes. They use the activation-code alphabet and check character, so
//! typing is as forgiving.

use crate::domain::activation_code::ActivationCode;
use crate::platform::AppState;
use crate::platform::clock::DAY;
use crate::platform::db::{Db, Tx};

/// How long a provisional code is valid.
pub const VALIDITY: i64 = 7 * DAY;
/// Purpose label of the keyed hash.
const PURPOSE: &str = "access-code";

/// The keyed hash of a code.
pub fn hash(state: &AppState, code: &ActivationCode) -> String {
    state.keyed_hash(PURPOSE, code.as_canonical())
}

/// Issues a new code for an account (earlier unused codes die); returns it in clear for the
/// e-mail.
pub async fn issue(
    state: &AppState,
    tx: &mut Tx,
    user_id: i64,
    request_id: Option<i64>,
) -> Result<ActivationCode, sqlx::Error> {
    let now = state.now();
    sqlx::query("UPDATE access_codes SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
        .bind(now)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    loop {
        let code = ActivationCode::generate(&mut rand::rngs::OsRng);
        let inserted: Option<String> = sqlx::query_scalar(
            "INSERT INTO access_codes (code_hash, user_id, request_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (code_hash) DO NOTHING RETURNING code_hash",
        )
        .bind(hash(state, &code))
        .bind(user_id)
        .bind(request_id)
        .bind(now)
        .bind(now + VALIDITY)
        .fetch_optional(&mut **tx)
        .await?;
        if inserted.is_some() {
            return Ok(code);
        }
    }
}

/// Issues another code for an account without killing the earlier one, valid until
/// `expires_at` (the reminder of a code about to expire).
pub async fn issue_alongside(
    state: &AppState,
    tx: &mut Tx,
    user_id: i64,
    request_id: Option<i64>,
    expires_at: i64,
) -> Result<ActivationCode, sqlx::Error> {
    loop {
        let code = ActivationCode::generate(&mut rand::rngs::OsRng);
        let inserted: Option<String> = sqlx::query_scalar(
            "INSERT INTO access_codes (code_hash, user_id, request_id, created_at, expires_at, reminded_at) \
             VALUES ($1, $2, $3, $4, $5, $4) ON CONFLICT (code_hash) DO NOTHING RETURNING code_hash",
        )
        .bind(hash(state, &code))
        .bind(user_id)
        .bind(request_id)
        .bind(state.now())
        .bind(expires_at)
        .fetch_optional(&mut **tx)
        .await?;
        if inserted.is_some() {
            return Ok(code);
        }
    }
}

/// The link of the first sign-in page for a code: the page fills the code in (the query
/// string is never logged; the page's referrer policy keeps it on this site).
pub fn first_sign_in_link(state: &AppState, code: &ActivationCode) -> String {
    state.settings.url(&format!("/premiere-connexion?code={}", code.grouped()))
}

/// A stored code.
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct StoredCode {
    /// Expiry.
    pub expires_at: i64,
    /// Use, if used.
    pub used_at: Option<i64>,
    /// The request it was issued for.
    pub request_id: Option<i64>,
}

/// Finds a code of an account.
pub async fn find(state: &AppState, user_id: i64, code: &ActivationCode) -> Result<Option<StoredCode>, sqlx::Error> {
    sqlx::query_as("SELECT expires_at, used_at, request_id FROM access_codes WHERE code_hash = $1 AND user_id = $2")
        .bind(hash(state, code))
        .bind(user_id)
        .fetch_optional(state.db.pool())
        .await
}

/// Spends a code once: false if it was spent meanwhile or has expired.
pub async fn spend(state: &AppState, tx: &mut Tx, user_id: i64, code: &ActivationCode) -> Result<bool, sqlx::Error> {
    let r = sqlx::query("UPDATE access_codes SET used_at = $1 WHERE code_hash = $2 AND user_id = $3 AND used_at IS NULL AND expires_at > $1")
        .bind(state.now())
        .bind(hash(state, code))
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// The latest code of an account: (created, expires, used).
pub async fn latest(state: &AppState, user_id: i64) -> Result<Option<(i64, i64, Option<i64>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT created_at, expires_at, used_at FROM access_codes WHERE user_id = $1 ORDER BY created_at DESC LIMIT 1",
    )
    .bind(user_id)
    .fetch_optional(state.db.pool())
    .await
}

/// An unused code nearing its expiry, with whom to remind.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ReminderDue {
    /// The code's keyed hash (its key).
    pub code_hash: String,
    /// Its account.
    pub user_id: i64,
    /// The request it was issued for.
    pub request_id: Option<i64>,
    /// Its expiry.
    pub expires_at: i64,
    /// Address.
    pub email: String,
    /// First name.
    pub first_name: String,
    /// Language code.
    pub lang: String,
}

/// Unused, not yet reminded codes of accounts still waiting for their first sign-in that
/// expire between `after` and `until`.
pub async fn unused_expiring(db: &Db, after: i64, until: i64) -> Result<Vec<ReminderDue>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.code_hash, c.user_id, c.request_id, c.expires_at, u.email, u.first_name, u.lang \
         FROM access_codes c JOIN users u ON u.id = c.user_id \
         WHERE c.used_at IS NULL AND c.reminded_at IS NULL AND c.expires_at > $1 AND c.expires_at <= $2 \
           AND u.status = 'invitation_sent' \
         ORDER BY c.expires_at LIMIT 500",
    )
    .bind(after)
    .bind(until)
    .fetch_all(db.pool())
    .await
}

/// Claims a code's reminder, once across instances.
pub async fn claim_reminder(tx: &mut Tx, code_hash: &str, now: i64) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "UPDATE access_codes SET reminded_at = $1 WHERE code_hash = $2 AND reminded_at IS NULL AND used_at IS NULL",
    )
    .bind(now)
    .bind(code_hash)
    .execute(&mut **tx)
    .await
    .map(|r| r.rows_affected() == 1)
}

/// Deletes codes used or expired before `before` (retention).
pub async fn purge_spent(db: &Db, before: i64) -> Result<u64, sqlx::Error> {
    sqlx::query("DELETE FROM access_codes WHERE (used_at IS NOT NULL OR expires_at < $1) AND created_at < $1")
        .bind(before)
        .execute(db.pool())
        .await
        .map(|r| r.rows_affected())
}

/// Deletes every provisional access code issued to account `user_id` (the account is erased).
pub async fn erase_of(tx: &mut Tx, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM access_codes WHERE user_id = $1").bind(user_id).execute(&mut **tx).await.map(|_| ())
}
