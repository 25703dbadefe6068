//! Provisional access codes: random, single use, valid 7 days, stored as keyed hashes.
//! They use the activation-code alphabet and check character, so typing is as forgiving.

use crate::domain::activation_code::ActivationCode;
use crate::platform::AppState;
use crate::platform::clock::DAY;
use crate::platform::db::Tx;
use sqlx::Row;

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
#[derive(Debug, Clone, Copy)]
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
    let row =
        sqlx::query("SELECT expires_at, used_at, request_id FROM access_codes WHERE code_hash = $1 AND user_id = $2")
            .bind(hash(state, code))
            .bind(user_id)
            .fetch_optional(state.db.pool())
            .await?;
    row.map(|r| {
        Ok(StoredCode {
            expires_at: r.try_get("expires_at")?,
            used_at: r.try_get("used_at")?,
            request_id: r.try_get("request_id")?,
        })
    })
    .transpose()
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
    let row = sqlx::query(
        "SELECT created_at, expires_at, used_at FROM access_codes WHERE user_id = $1 ORDER BY created_at DESC LIMIT 1",
    )
    .bind(user_id)
    .fetch_optional(state.db.pool())
    .await?;
    row.map(|r| Ok((r.try_get("created_at")?, r.try_get("expires_at")?, r.try_get("used_at")?))).transpose()
}
