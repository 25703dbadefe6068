//! The owner of `lab_tokens`: bearer tokens of the lab system, stored as SHA-256 hashes
//! (they are 256-bit random values: a keyed hash adds nothing and would die with a key
//! rotation).

use crate::platform::crypto::{random_token, sha256_hex};
use crate::platform::db::Db;

/// Prefix of every lab token, so a leaked one is recognisable (secret scanners).
pub const TOKEN_PREFIX: &str = "sesame_lab_";

/// A token as listed (never the token itself).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenInfo {
    /// Id.
    pub id: i64,
    /// Name given at creation.
    pub name: String,
    /// Created (Unix ms).
    pub created_at: i64,
    /// Last call (Unix ms), if any.
    pub last_used_at: Option<i64>,
    /// Revoked (Unix ms), if it was.
    pub revoked_at: Option<i64>,
}

/// Why a token could not be created.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// The name is empty or too long.
    #[error("a token needs a name of 1 to 100 characters")]
    BadName,
    /// A token with this name exists.
    #[error("a token named '{0}' already exists (revoke it or choose another name)")]
    Taken(String),
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Creates a token; returns it (shown once) and its id.
pub async fn create(db: &Db, name: &str, now: i64) -> Result<(String, i64), TokenError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(TokenError::BadName);
    }
    let token = format!("{TOKEN_PREFIX}{}", random_token());
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO lab_tokens (name, token_hash, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING RETURNING id",
    )
    .bind(name)
    .bind(sha256_hex(&token))
    .bind(now)
    .fetch_optional(db.pool())
    .await?;
    id.map(|id| (token, id)).ok_or_else(|| TokenError::Taken(name.to_string()))
}

/// Every token, newest first.
pub async fn list(db: &Db) -> Result<Vec<TokenInfo>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, name, created_at, last_used_at, revoked_at FROM lab_tokens ORDER BY created_at DESC, id DESC",
    )
    .fetch_all(db.pool())
    .await
}

/// Revokes a token by name; `false` if there is no such live token.
pub async fn revoke(db: &Db, name: &str, now: i64) -> Result<bool, sqlx::Error> {
    sqlx::query("UPDATE lab_tokens SET revoked_at = $1 WHERE name = $2 AND revoked_at IS NULL")
        .bind(now)
        .bind(name.trim())
        .execute(db.pool())
        .await
        .map(|r| r.rows_affected() == 1)
}

/// The live token matching `token`, and records its use (at most once a minute, so a busy
/// lab system does not write on every call).
pub async fn authenticate(db: &Db, token: &str, now: i64) -> Result<Option<super::LabCaller>, sqlx::Error> {
    let row: Option<(i64, String, Option<i64>)> =
        sqlx::query_as("SELECT id, name, last_used_at FROM lab_tokens WHERE token_hash = $1 AND revoked_at IS NULL")
            .bind(sha256_hex(token))
            .fetch_optional(db.pool())
            .await?;
    let Some((id, name, last_used)) = row else { return Ok(None) };
    if last_used.is_none_or(|t| t < now - 60_000) {
        sqlx::query("UPDATE lab_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(db.pool())
            .await?;
    }
    Ok(Some(super::LabCaller { token_id: id, name }))
}

/// Stores a token whose value is given (the demo data set's, printed at start; refused in
/// production with the rest of the demo data). Does nothing if the name exists.
pub async fn ensure_known(db: &Db, name: &str, token: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO lab_tokens (name, token_hash, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .bind(sha256_hex(token))
    .bind(now)
    .execute(db.pool())
    .await
    .map(|_| ())
}
