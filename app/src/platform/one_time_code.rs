//! The owner of `one_time_codes`: six-digit codes e-mailed to an account to confirm a step
//! (the sign-in second factor, creating a shared account): single use, valid 10 minutes,
//! the latest one only, stored as keyed hashes. Attempts are limited by the caller (see
//! [`super::limits`]).

use super::AppState;
use super::clock::MINUTE;
use super::db::Tx;
use rand::Rng;

/// How long an e-mailed code is valid.
pub const VALIDITY: i64 = 10 * MINUTE;

/// What a code confirms (stored form).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// The second factor of a sign-in.
    SignIn,
    /// Confirming, from one's own mailbox, the creation of a shared account.
    SharedAccount,
}

impl Purpose {
    /// Stored form.
    pub const fn as_str(self) -> &'static str {
        match self {
            Purpose::SignIn => "sign_in",
            Purpose::SharedAccount => "shared_account",
        }
    }
}

fn hash(state: &AppState, user_id: i64, purpose: Purpose, code: &str) -> String {
    state.keyed_hash(&format!("one-time-code:{}", purpose.as_str()), &format!("{user_id}:{code}"))
}

/// Issues a new code for an account (earlier unused ones of the same purpose die) inside
/// the caller's transaction; returns it in clear for the e-mail.
pub async fn issue(state: &AppState, tx: &mut Tx, user_id: i64, purpose: Purpose) -> Result<String, sqlx::Error> {
    let now = state.now();
    sqlx::query("UPDATE one_time_codes SET used_at = $1 WHERE user_id = $2 AND purpose = $3 AND used_at IS NULL")
        .bind(now)
        .bind(user_id)
        .bind(purpose.as_str())
        .execute(&mut **tx)
        .await?;
    let code = format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000u32));
    sqlx::query(
        "INSERT INTO one_time_codes (user_id, purpose, code_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(user_id)
    .bind(purpose.as_str())
    .bind(hash(state, user_id, purpose, &code))
    .bind(now)
    .bind(now + VALIDITY)
    .execute(&mut **tx)
    .await?;
    Ok(code)
}

/// Spends a typed code once: true when it is the account's latest unused, unexpired code
/// for this purpose (a conditional update, so two requests at once cannot both spend it).
pub async fn spend(
    state: &AppState,
    tx: &mut Tx,
    user_id: i64,
    purpose: Purpose,
    typed: &str,
) -> Result<bool, sqlx::Error> {
    let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() != 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(false);
    }
    let now = state.now();
    let r = sqlx::query(
        "UPDATE one_time_codes SET used_at = $1 \
         WHERE user_id = $2 AND purpose = $3 AND code_hash = $4 AND used_at IS NULL AND expires_at > $1",
    )
    .bind(now)
    .bind(user_id)
    .bind(purpose.as_str())
    .bind(hash(state, user_id, purpose, &digits))
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Whether an account has an unused, unexpired code for this purpose (the page then asks
/// for it rather than offering to send one).
pub async fn live(state: &AppState, user_id: i64, purpose: Purpose) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM one_time_codes WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3",
    )
    .bind(user_id)
    .bind(purpose.as_str())
    .bind(state.now())
    .fetch_one(state.db.pool())
    .await?;
    Ok(n > 0)
}

/// Deletes codes spent or expired long ago (housekeeping).
pub async fn purge(db: &super::db::Db, older_than: i64) -> Result<u64, sqlx::Error> {
    sqlx::query("DELETE FROM one_time_codes WHERE expires_at < $1")
        .bind(older_than)
        .execute(db.pool())
        .await
        .map(|r| r.rows_affected())
}

/// Deletes every code e-mailed to account `user_id` (the account is erased).
pub async fn erase_of(tx: &mut Tx, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM one_time_codes WHERE user_id = $1").bind(user_id).execute(&mut **tx).await.map(|_| ())
}
