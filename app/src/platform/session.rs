//! The owner of `sessions`: server-side sessions stored in the database, so several server
//! instances share them and a user's sessions can be revoked all at once (password change,
//! deactivation).
//!
//! The cookie holds a random 256-bit token; the table holds only its SHA-256. Lifetimes
//! (ASVS 5.0 V7, NIST SP 800-63B AAL2): 30 minutes idle and 12 hours at most; a patient who
//! ticks "Rester connecté sur cet appareil" keeps a session for 30 days, but health
//! documents then ask for the password again after 30 minutes idle (see
//! [`SessionInfo::fresh`]).

use super::clock::{DAY, HOUR, MINUTE};
use super::crypto::{random_token, sha256_hex};
use super::db::{Db, Tx};
use crate::domain::account::{AccountStatus, UserKind};

/// A session ends after this long without a request.
pub const IDLE_TIMEOUT: i64 = 30 * MINUTE;
/// A session ends after this long whatever happens.
pub const ABSOLUTE_TIMEOUT: i64 = 12 * HOUR;
/// A remembered session ("Rester connecté sur cet appareil", patients only) lives this long.
pub const REMEMBERED_TIMEOUT: i64 = 30 * DAY;
/// A session waiting for the second factor lives this long.
pub const SECOND_FACTOR_TIMEOUT: i64 = 10 * MINUTE;
/// `last_seen_at` is refreshed at most this often, to spare writes.
const TOUCH_EVERY: i64 = MINUTE;

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

/// The `Set-Cookie` value that stores a new session token. A remembered session's cookie
/// outlives the browser; any other is a browser-session cookie.
pub fn cookie_header(token: &str, secure: bool, remember: bool) -> String {
    format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Lax{}{}",
        cookie_name(secure),
        if remember { format!("; Max-Age={}", REMEMBERED_TIMEOUT / 1000) } else { String::new() },
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

/// What a new session carries besides its user.
#[derive(Clone, Debug, Default)]
pub struct NewSession {
    /// "Rester connecté sur cet appareil" (patients only; the caller checks).
    pub remember: bool,
    /// The device, summarised from the browser's `User-Agent` ("Firefox · Android").
    pub device: String,
    /// When the password was last given (kept across the second-factor step).
    pub authenticated_at: i64,
}

/// Opens a new session for a user inside the caller's transaction; returns the token for
/// the cookie.
pub async fn create(
    tx: &mut Tx,
    user_id: i64,
    now: i64,
    stage: Stage,
    new: &NewSession,
) -> Result<String, sqlx::Error> {
    let token = random_token();
    let lifetime = match (stage, new.remember) {
        (Stage::SecondFactor, _) => SECOND_FACTOR_TIMEOUT,
        (Stage::Full, true) => REMEMBERED_TIMEOUT,
        (Stage::Full, false) => ABSOLUTE_TIMEOUT,
    };
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, stage, remember, device, authenticated_at, handle) \
         VALUES ($1, $2, $3, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(sha256_hex(&token))
    .bind(user_id)
    .bind(now)
    .bind(now + lifetime)
    .bind(stage.as_str())
    .bind(i64::from(new.remember))
    .bind(&new.device)
    .bind(new.authenticated_at)
    .bind(&random_token()[..32])
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
    /// Its public handle (to show and end it from the sessions list).
    pub handle: String,
    /// How far it got.
    pub stage: Stage,
    /// A remembered session.
    pub remember: bool,
    /// What it carries over to the next stage.
    pub carried: NewSession,
    /// False once the session sat idle for more than 30 minutes (a remembered one) until
    /// the person gives their password again: health documents open only in a fresh
    /// session. Staying active keeps it fresh; coming back after a pause does not.
    pub fresh: bool,
    /// The shared account the person switched to, if any (checked again by the caller).
    pub acting_for: Option<i64>,
    /// When the person last confirmed a code e-mailed to them in this session.
    pub step_up_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    last_seen_at: i64,
    stage: String,
    remember: i64,
    needs_password: i64,
    device: String,
    authenticated_at: i64,
    handle: String,
    acting_for: Option<i64>,
    step_up_at: Option<i64>,
    id: i64,
    kind: String,
    status: String,
    first_name: String,
    last_name: String,
    is_admin: i64,
    totp_enabled_at: Option<i64>,
}

/// Resolves a session token to its user, if the session is valid and the account is not
/// deactivated; refreshes the idle timer.
pub async fn lookup(db: &Db, token: &str, now: i64) -> Result<Option<SessionInfo>, sqlx::Error> {
    let hash = sha256_hex(token);
    let row: Option<SessionRow> = sqlx::query_as(
        "SELECT s.last_seen_at, s.stage, s.remember, s.needs_password, s.device, s.authenticated_at, s.handle, \
                s.acting_for, s.step_up_at, \
                u.id, u.kind, u.status, u.first_name, u.last_name, u.is_admin, u.totp_enabled_at \
         FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 \
           AND s.last_seen_at > CASE WHEN s.remember = 1 THEN $4 ELSE $3 END",
    )
    .bind(&hash)
    .bind(now)
    .bind(now - IDLE_TIMEOUT)
    .bind(now - REMEMBERED_TIMEOUT)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let status = AccountStatus::parse(&row.status)
        .ok_or_else(|| sqlx::Error::Decode(format!("unknown status {}", row.status).into()))?;
    let kind =
        UserKind::parse(&row.kind).ok_or_else(|| sqlx::Error::Decode(format!("unknown kind {}", row.kind).into()))?;
    if status == AccountStatus::Deactivated {
        return Ok(None);
    }
    // A pause longer than the idle timeout (possible only for a remembered session) marks
    // it until the password is given again; the mark survives the touch below.
    let stale = row.needs_password != 0 || now - row.last_seen_at > IDLE_TIMEOUT;
    if now - row.last_seen_at > TOUCH_EVERY {
        sqlx::query("UPDATE sessions SET last_seen_at = $1, needs_password = $2 WHERE token_hash = $3")
            .bind(now)
            .bind(i64::from(stale))
            .bind(&hash)
            .execute(db.pool())
            .await?;
    }
    let fresh = !stale;
    let user = CurrentUser {
        id: row.id,
        kind,
        status,
        first_name: row.first_name,
        last_name: row.last_name,
        is_admin: row.is_admin != 0,
        totp_enabled: row.totp_enabled_at.is_some(),
    };
    let stage = if row.stage == "full" { Stage::Full } else { Stage::SecondFactor };
    let remember = row.remember != 0;
    Ok(Some(SessionInfo {
        user,
        hash,
        handle: row.handle,
        stage,
        remember,
        carried: NewSession { remember, device: row.device, authenticated_at: row.authenticated_at },
        fresh,
        acting_for: row.acting_for,
        step_up_at: row.step_up_at,
    }))
}

/// Makes a session act for a shared account, or for its person again (`None`).
pub async fn set_acting_for(tx: &mut Tx, token_hash: &str, account: Option<i64>) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sessions SET acting_for = $1 WHERE token_hash = $2")
        .bind(account)
        .bind(token_hash)
        .execute(&mut **tx)
        .await
        .map(|_| ())
}

/// Records (or, with `None`, forgets) that the person confirmed a code e-mailed to them in
/// this session.
pub async fn set_step_up(tx: &mut Tx, token_hash: &str, at: Option<i64>) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sessions SET step_up_at = $1 WHERE token_hash = $2")
        .bind(at)
        .bind(token_hash)
        .execute(&mut **tx)
        .await
        .map(|_| ())
}

/// Records that the person gave their password again in this session (health documents
/// after a long idle time).
pub async fn reauthenticated(db: &Db, token_hash: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE sessions SET authenticated_at = $1, last_seen_at = $1, needs_password = 0 WHERE token_hash = $2",
    )
    .bind(now)
    .bind(token_hash)
    .execute(db.pool())
    .await
    .map(|_| ())
}

/// Ends one session (sign-out).
pub async fn revoke(db: &Db, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(db.pool()).await.map(|_| ())
}

/// Deletes one session inside the caller's transaction (a pending sign-in giving way to a
/// full session).
pub async fn remove(tx: &mut Tx, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&mut **tx).await.map(|_| ())
}

/// Ends one of a user's sessions by its public handle; false when it was not theirs (or
/// already ended).
pub async fn revoke_handle(tx: &mut Tx, user_id: i64, handle: &str) -> Result<bool, sqlx::Error> {
    let r = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND handle = $2")
        .bind(user_id)
        .bind(handle)
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected() == 1)
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

/// An open session, as its owner sees it in their list.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OpenSession {
    /// Public handle (to end it).
    pub handle: String,
    /// Device summary.
    pub device: String,
    /// Opened at.
    pub created_at: i64,
    /// Last request.
    pub last_seen_at: i64,
    /// Remembered on its device.
    pub remember: i64,
}

/// The open sessions of a user, most recently used first.
pub async fn list_for_user(db: &Db, user_id: i64, now: i64) -> Result<Vec<OpenSession>, sqlx::Error> {
    sqlx::query_as(
        "SELECT handle, device, created_at, last_seen_at, remember FROM sessions \
         WHERE user_id = $1 AND stage = 'full' AND expires_at > $2 \
           AND last_seen_at > CASE WHEN remember = 1 THEN $4 ELSE $3 END \
         ORDER BY last_seen_at DESC",
    )
    .bind(user_id)
    .bind(now)
    .bind(now - IDLE_TIMEOUT)
    .bind(now - REMEMBERED_TIMEOUT)
    .fetch_all(db.pool())
    .await
}

/// Number of open sessions of a user (shown to support).
pub async fn count_for_user(db: &Db, user_id: i64, now: i64) -> Result<i64, sqlx::Error> {
    Ok(list_for_user(db, user_id, now).await?.len() as i64)
}

/// Deletes expired sessions (run periodically).
pub async fn purge_expired(db: &Db, now: i64) -> Result<u64, sqlx::Error> {
    sqlx::query(
        "DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= CASE WHEN remember = 1 THEN $3 ELSE $2 END",
    )
    .bind(now)
    .bind(now - IDLE_TIMEOUT)
    .bind(now - REMEMBERED_TIMEOUT)
    .execute(db.pool())
    .await
    .map(|r| r.rows_affected())
}

/// A short description of a device from its `User-Agent`, for the sessions list
/// ("Firefox · Android"). Only the browser family and the system are kept.
pub fn device_of(user_agent: &str) -> String {
    let ua = user_agent;
    let browser = if ua.contains("Edg/") {
        "Edge"
    } else if ua.contains("OPR/") || ua.contains("Opera") {
        "Opera"
    } else if ua.contains("SamsungBrowser") {
        "Samsung Internet"
    } else if ua.contains("Firefox/") || ua.contains("FxiOS") {
        "Firefox"
    } else if ua.contains("Chrome/") || ua.contains("CriOS") || ua.contains("Chromium") {
        "Chrome"
    } else if ua.contains("Safari/") {
        "Safari"
    } else if ua.is_empty() {
        ""
    } else {
        "?"
    };
    let system = if ua.contains("Android") {
        "Android"
    } else if ua.contains("iPhone") || ua.contains("iPad") || ua.contains("iOS") {
        "iOS"
    } else if ua.contains("Windows") {
        "Windows"
    } else if ua.contains("Mac OS X") || ua.contains("Macintosh") {
        "macOS"
    } else if ua.contains("CrOS") {
        "ChromeOS"
    } else if ua.contains("Linux") {
        "Linux"
    } else {
        ""
    };
    match (browser, system) {
        ("", "") => String::new(),
        (b, "") => b.to_string(),
        ("", s) => s.to_string(),
        (b, s) => format!("{b} · {s}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies() {
        assert_eq!(find_cookie("a=1; sesame_session=xyz; b=2", "sesame_session"), Some("xyz"));
        assert_eq!(find_cookie("a=1", "sesame_session"), None);
        let secure = cookie_header("t", true, false);
        assert!(secure.starts_with("__Host-sesame=t; Path=/; HttpOnly; SameSite=Lax"));
        assert!(secure.ends_with("; Secure"));
        assert!(!secure.contains("Max-Age"), "a browser-session cookie");
        assert!(cookie_header("t", false, true).contains("Max-Age=2592000"));
        assert!(!cookie_header("t", false, false).contains("Secure"));
    }

    #[test]
    fn devices_are_summarised() {
        let android = "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36";
        assert_eq!(device_of(android), "Chrome · Android");
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
        assert_eq!(device_of(iphone), "Safari · iOS");
        assert_eq!(
            device_of("Mozilla/5.0 (Windows NT 10.0; rv:128.0) Gecko/20100101 Firefox/128.0"),
            "Firefox · Windows"
        );
        assert_eq!(device_of(""), "");
        assert_eq!(device_of("curl/8.5"), "?");
    }
}
