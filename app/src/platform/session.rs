//! Server-side sessions stored in the database, so several server instances share them and
//! a user's sessions can be revoked all at once (password change, deactivation).
//!
//! The cookie holds a random 256-bit token; the table holds only its SHA-256.

use super::clock::{DAY, HOUR, MINUTE};
use super::crypto::{random_token, sha256_hex};
use super::db::{Db, Tx};
use crate::domain::account::{AccountStatus, UserKind};
use crate::i18n::Lang;
use sqlx::Row;

/// A session ends after this long without a request.
pub const IDLE_TIMEOUT: i64 = 8 * HOUR;
/// A session ends after this long whatever happens.
pub const ABSOLUTE_TIMEOUT: i64 = 7 * DAY;
/// `last_seen_at` is refreshed at most this often, to spare writes.
const TOUCH_EVERY: i64 = 5 * MINUTE;

/// The signed-in user of a request.
#[derive(Clone, PartialEq, Eq)]
pub struct CurrentUser {
    /// Account id.
    pub id: i64,
    /// Kind of account.
    pub kind: UserKind,
    /// Account status (never `Deactivated`: those have no session).
    pub status: AccountStatus,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Administrator of the back-office.
    pub is_admin: bool,
    /// Whether a second factor (authenticator app) is enrolled.
    pub totp_enabled: bool,
}

impl std::fmt::Debug for CurrentUser {
    // Names are personal data: keep them out of debug output and logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CurrentUser").field("id", &self.id).field("kind", &self.kind).finish()
    }
}

impl CurrentUser {
    /// "First Last", for greetings.
    pub fn display_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

/// The name of the session cookie: `__Host-` prefixed when cookies are `Secure`.
pub fn cookie_name(secure: bool) -> &'static str {
    if secure { "__Host-sesame" } else { "sesame_session" }
}

/// The `Set-Cookie` value that stores a new session token.
pub fn cookie_header(token: &str, secure: bool) -> String {
    format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        cookie_name(secure),
        ABSOLUTE_TIMEOUT / 1000,
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie_header(secure: bool) -> String {
    format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        cookie_name(secure),
        if secure { "; Secure" } else { "" }
    )
}

/// Finds a cookie's value in a `Cookie` request header.
pub fn find_cookie<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').find_map(|pair| {
        let (k, v) = pair.trim().split_once('=')?;
        (k == name).then_some(v)
    })
}

/// How far a session got: signed in, or still waiting for the second factor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Fully signed in.
    Full,
    /// Password checked; the second factor is still to be given.
    SecondFactor,
}

impl Stage {
    /// Stored form.
    pub const fn as_str(self) -> &'static str {
        match self {
            Stage::Full => "full",
            Stage::SecondFactor => "second_factor",
        }
    }
}

/// A session waiting for the second factor lives this long.
pub const SECOND_FACTOR_TIMEOUT: i64 = 10 * MINUTE;

/// Opens a new session for a user inside the caller's transaction; returns the token for
/// the cookie.
pub async fn create(tx: &mut Tx, user_id: i64, now: i64, stage: Stage) -> Result<String, sqlx::Error> {
    let token = random_token();
    let lifetime = if stage == Stage::Full { ABSOLUTE_TIMEOUT } else { SECOND_FACTOR_TIMEOUT };
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, stage) \
         VALUES ($1, $2, $3, $3, $4, $5)",
    )
    .bind(sha256_hex(&token))
    .bind(user_id)
    .bind(now)
    .bind(now + lifetime)
    .bind(stage.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(token)
}

/// A valid session.
#[derive(Clone, Debug)]
pub struct SessionInfo {
    /// Its user.
    pub user: CurrentUser,
    /// The hash of its token.
    pub hash: String,
    /// How far it got.
    pub stage: Stage,
}

/// Resolves a session token to its user, if the session is valid and the account is not
/// deactivated; refreshes the idle timer.
pub async fn lookup(db: &Db, token: &str, now: i64) -> Result<Option<SessionInfo>, sqlx::Error> {
    let hash = sha256_hex(token);
    let row = sqlx::query(
        "SELECT s.last_seen_at, s.stage, u.id, u.kind, u.status, u.first_name, u.last_name, u.is_admin, u.totp_enabled_at \
         FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3",
    )
    .bind(&hash)
    .bind(now)
    .bind(now - IDLE_TIMEOUT)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let status = AccountStatus::parse(row.try_get::<String, _>("status")?.as_str());
    let kind = UserKind::parse(row.try_get::<String, _>("kind")?.as_str());
    let (Some(status), Some(kind)) = (status, kind) else { return Ok(None) };
    if status == AccountStatus::Deactivated {
        return Ok(None);
    }
    let last_seen: i64 = row.try_get("last_seen_at")?;
    if now - last_seen > TOUCH_EVERY {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(now)
            .bind(&hash)
            .execute(db.pool())
            .await?;
    }
    let user = CurrentUser {
        id: row.try_get("id")?,
        kind,
        status,
        first_name: row.try_get("first_name")?,
        last_name: row.try_get("last_name")?,
        is_admin: row.try_get::<i64, _>("is_admin")? != 0,
        totp_enabled: row.try_get::<Option<i64>, _>("totp_enabled_at")?.is_some(),
    };
    let stage = if row.try_get::<String, _>("stage")? == "full" { Stage::Full } else { Stage::SecondFactor };
    Ok(Some(SessionInfo { user, hash, stage }))
}

/// Ends one session (sign-out).
pub async fn revoke(db: &Db, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(db.pool()).await.map(|_| ())
}

/// Ends every session of a user, except optionally one (password change keeps the
/// current one; deactivation and reset keep none).
pub async fn revoke_all(tx: &mut Tx, user_id: i64, except_hash: Option<&str>) -> Result<u64, sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(user_id)
        .bind(except_hash.unwrap_or(""))
        .execute(&mut **tx)
        .await
        .map(|r| r.rows_affected())
}

/// Number of open sessions of a user (shown to support).
pub async fn count_for_user(db: &Db, user_id: i64, now: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE user_id = $1 AND expires_at > $2 AND last_seen_at > $3")
        .bind(user_id)
        .bind(now)
        .bind(now - IDLE_TIMEOUT)
        .fetch_one(db.pool())
        .await
}

/// Deletes expired sessions (run periodically).
pub async fn purge_expired(db: &Db, now: i64) -> Result<u64, sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2")
        .bind(now)
        .bind(now - IDLE_TIMEOUT)
        .execute(db.pool())
        .await
        .map(|r| r.rows_affected())
}

/// The interface language stored for a user, used for their e-mails.
pub fn lang_of(stored: &str) -> Lang {
    Lang::from_code(stored)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies() {
        assert_eq!(find_cookie("a=1; sesame_session=xyz; b=2", "sesame_session"), Some("xyz"));
        assert_eq!(find_cookie("a=1", "sesame_session"), None);
        let secure = cookie_header("t", true);
        assert!(secure.starts_with("__Host-sesame=t; Path=/; HttpOnly; SameSite=Lax"));
        assert!(secure.ends_with("; Secure"));
        assert!(!cookie_header("t", false).contains("Secure"));
    }
}
