//! The owner of `recovery_codes`: ten single-use codes per enrolled authenticator, stored
//! as keyed hashes (the second-factor columns of `users` belong to `accounts::store`).

use crate::domain::activation_code::ActivationCode;
use crate::platform::AppState;
use crate::platform::db::{Db, Tx};

fn hash(state: &AppState, code: &ActivationCode) -> String {
    state.keyed_hash("recovery-code", code.as_canonical())
}

/// Replaces an account's recovery codes with `count` new ones, returned in clear (shown
/// once).
pub async fn replace(
    state: &AppState,
    tx: &mut Tx,
    user_id: i64,
    count: usize,
) -> Result<Vec<ActivationCode>, sqlx::Error> {
    remove_all(tx, user_id).await?;
    let mut codes = Vec::with_capacity(count);
    for _ in 0..count {
        let code = ActivationCode::generate(&mut rand::rngs::OsRng);
        sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
            .bind(user_id)
            .bind(hash(state, &code))
            .execute(&mut **tx)
            .await?;
        codes.push(code);
    }
    Ok(codes)
}

/// Deletes an account's recovery codes (the authenticator is removed).
pub async fn remove_all(tx: &mut Tx, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(user_id).execute(&mut **tx).await.map(|_| ())
}

/// Spends a recovery code once: false when it is unknown or was used.
pub async fn spend(
    state: &AppState,
    tx: &mut Tx,
    user_id: i64,
    code: &ActivationCode,
    now: i64,
) -> Result<bool, sqlx::Error> {
    sqlx::query("UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL")
        .bind(now)
        .bind(user_id)
        .bind(hash(state, code))
        .execute(&mut **tx)
        .await
        .map(|r| r.rows_affected() == 1)
}

/// Deletes codes used before `before` (retention).
pub async fn purge_used(db: &Db, before: i64) -> Result<u64, sqlx::Error> {
    sqlx::query("DELETE FROM recovery_codes WHERE used_at IS NOT NULL AND used_at < $1")
        .bind(before)
        .execute(db.pool())
        .await
        .map(|r| r.rows_affected())
}
