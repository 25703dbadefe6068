//! Database operations on accounts and single-use e-mail links.

use crate::domain::account::{AccountStatus, UserKind};
use crate::platform::clock::{DAY, HOUR};
use crate::platform::crypto::{random_token, sha256_hex};
use crate::platform::db::{Db, Tx};
use sqlx::Row;

/// What a single-use link is for, and how long it lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenPurpose {
    /// Confirming a patient's e-mail address (24 h).
    VerifyEmail,
    /// Choosing a new password (1 h).
    ResetPassword,
    /// Accepting an invitation created by support (14 days).
    Invitation,
    /// Confirming a new address set by support (24 h).
    ChangeEmail,
}

impl TokenPurpose {
    /// Stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::VerifyEmail => "verify_email",
            TokenPurpose::ResetPassword => "reset_password",
            TokenPurpose::Invitation => "invitation",
            TokenPurpose::ChangeEmail => "change_email",
        }
    }

    /// Lifetime in milliseconds.
    pub fn ttl(self) -> i64 {
        match self {
            TokenPurpose::VerifyEmail | TokenPurpose::ChangeEmail => DAY,
            TokenPurpose::ResetPassword => HOUR,
            TokenPurpose::Invitation => 14 * DAY,
        }
    }
}

/// An account as read for sign-in and e-mails.
#[derive(Clone)]
pub struct UserRow {
    /// Id.
    pub id: i64,
    /// Address as typed.
    pub email: String,
    /// Kind.
    pub kind: UserKind,
    /// Status.
    pub status: AccountStatus,
    /// argon2 hash, if a password was chosen.
    pub password_hash: Option<String>,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Preferred language code.
    pub lang: String,
    /// Birth date (patients), `AAAA-MM-JJ`.
    pub birth_date: Option<String>,
}

impl std::fmt::Debug for UserRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRow").field("id", &self.id).field("kind", &self.kind).field("status", &self.status).finish()
    }
}

const USER_COLUMNS: &str = "id, email, kind, status, password_hash, first_name, last_name, lang, birth_date";

fn user_from_row(r: &sqlx::any::AnyRow) -> Result<UserRow, sqlx::Error> {
    let kind: String = r.try_get("kind")?;
    let status: String = r.try_get("status")?;
    Ok(UserRow {
        id: r.try_get("id")?,
        email: r.try_get("email")?,
        kind: UserKind::parse(&kind).ok_or_else(|| sqlx::Error::Decode(format!("unknown kind {kind}").into()))?,
        status: AccountStatus::parse(&status)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown status {status}").into()))?,
        password_hash: r.try_get("password_hash")?,
        first_name: r.try_get("first_name")?,
        last_name: r.try_get("last_name")?,
        lang: r.try_get("lang")?,
        birth_date: r.try_get("birth_date")?,
    })
}

/// Finds an account by its e-mail key (lower-cased address).
pub async fn find_by_email_key(db: &Db, key: &str) -> Result<Option<UserRow>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE email_key = $1"))
        .bind(key)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(user_from_row).transpose()
}

/// Finds an account by id.
pub async fn find_by_id(db: &Db, id: i64) -> Result<Option<UserRow>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(user_from_row).transpose()
}

/// A new patient account, to insert.
pub struct NewPatient<'a> {
    /// Address as typed.
    pub email: &'a str,
    /// Lower-cased address.
    pub email_key: &'a str,
    /// argon2 hash.
    pub password_hash: &'a str,
    /// Last name.
    pub last_name: &'a str,
    /// First name.
    pub first_name: &'a str,
    /// `AAAA-MM-JJ`.
    pub birth_date: &'a str,
    /// Language code.
    pub lang: &'a str,
}

/// Inserts a patient account (unverified). Fails with a unique violation when the address
/// is taken, whatever its case: the database enforces it.
pub async fn insert_patient(tx: &mut Tx, p: &NewPatient<'_>, now: i64) -> Result<i64, sqlx::Error> {
    let id = insert_patient_row(tx, p, now).await?;
    set_name_keys(tx, id, p.last_name, p.first_name).await?;
    Ok(id)
}

async fn insert_patient_row(tx: &mut Tx, p: &NewPatient<'_>, now: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO users (email, email_key, password_hash, kind, status, last_name, first_name, birth_date, lang, terms_accepted_at, created_at, updated_at) \
         VALUES ($1, $2, $3, 'patient', 'unverified', $4, $5, $6, $7, $8, $8, $8) RETURNING id",
    )
    .bind(p.email)
    .bind(p.email_key)
    .bind(p.password_hash)
    .bind(p.last_name)
    .bind(p.first_name)
    .bind(p.birth_date)
    .bind(p.lang)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
}

/// Creates a single-use link token; returns it in clear (for the e-mail) and stores its
/// hash. Earlier unused tokens of the same purpose are revoked: only the latest link works.
pub async fn issue_token(tx: &mut Tx, user_id: i64, purpose: TokenPurpose, now: i64) -> Result<String, sqlx::Error> {
    sqlx::query("UPDATE email_tokens SET used_at = $1 WHERE user_id = $2 AND purpose = $3 AND used_at IS NULL")
        .bind(now)
        .bind(user_id)
        .bind(purpose.as_str())
        .execute(&mut **tx)
        .await?;
    let token = random_token();
    sqlx::query(
        "INSERT INTO email_tokens (token_hash, user_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(sha256_hex(&token))
    .bind(user_id)
    .bind(purpose.as_str())
    .bind(now)
    .bind(now + purpose.ttl())
    .execute(&mut **tx)
    .await?;
    Ok(token)
}

/// The state of a link token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenState {
    /// Valid, for this user.
    Valid(i64),
    /// Past its lifetime.
    Expired,
    /// Already used (or replaced by a newer link).
    Used,
    /// Never issued.
    Unknown,
}

/// Reads a token's state without using it (for the page a link opens).
pub async fn peek_token(db: &Db, token: &str, purpose: TokenPurpose, now: i64) -> Result<TokenState, sqlx::Error> {
    let row =
        sqlx::query("SELECT user_id, expires_at, used_at FROM email_tokens WHERE token_hash = $1 AND purpose = $2")
            .bind(sha256_hex(token))
            .bind(purpose.as_str())
            .fetch_optional(db.pool())
            .await?;
    Ok(match row {
        None => TokenState::Unknown,
        Some(r) => {
            let used: Option<i64> = r.try_get("used_at")?;
            let expires: i64 = r.try_get("expires_at")?;
            if used.is_some() {
                TokenState::Used
            } else if expires <= now {
                TokenState::Expired
            } else {
                TokenState::Valid(r.try_get("user_id")?)
            }
        }
    })
}

/// Uses a token inside the caller's transaction: succeeds once, even under concurrent
/// requests (the `UPDATE` re-checks `used_at IS NULL`).
pub async fn consume_token(
    tx: &mut Tx,
    token: &str,
    purpose: TokenPurpose,
    now: i64,
) -> Result<TokenState, sqlx::Error> {
    let hash = sha256_hex(token);
    let used: Option<i64> = sqlx::query_scalar(
        "UPDATE email_tokens SET used_at = $1 WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1 RETURNING user_id",
    )
    .bind(now)
    .bind(&hash)
    .bind(purpose.as_str())
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(user_id) = used {
        return Ok(TokenState::Valid(user_id));
    }
    let row = sqlx::query("SELECT expires_at, used_at FROM email_tokens WHERE token_hash = $1 AND purpose = $2")
        .bind(&hash)
        .bind(purpose.as_str())
        .fetch_optional(&mut **tx)
        .await?;
    Ok(match row {
        None => TokenState::Unknown,
        Some(r) if r.try_get::<Option<i64>, _>("used_at")?.is_some() => TokenState::Used,
        Some(_) => TokenState::Expired,
    })
}

/// Marks a patient's address verified and their account active.
pub async fn mark_verified(tx: &mut Tx, user_id: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET email_verified_at = COALESCE(email_verified_at, $1), \
         status = CASE WHEN status = 'unverified' THEN 'active' ELSE status END, updated_at = $1 WHERE id = $2",
    )
    .bind(now)
    .bind(user_id)
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

/// Replaces a password hash.
pub async fn set_password(tx: &mut Tx, user_id: i64, hash: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
        .bind(hash)
        .bind(now)
        .bind(user_id)
        .execute(&mut **tx)
        .await
        .map(|_| ())
}

/// Stores the folded names (lower case, no accents) the admin list searches and sorts by.
pub async fn set_name_keys(tx: &mut Tx, user_id: i64, last_name: &str, first_name: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET last_name_key = $1, first_name_key = $2 WHERE id = $3")
        .bind(crate::domain::names::fold(last_name))
        .bind(crate::domain::names::fold(first_name))
        .bind(user_id)
        .execute(&mut **tx)
        .await
        .map(|_| ())
}

/// Deletes the never-confirmed sign-up that holds an address, if any, inside the caller's
/// transaction (an invitation or a validated request for that address proves ownership by
/// the link or code it e-mails). Returns the deleted account's id.
pub async fn remove_unverified(tx: &mut Tx, email_key: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("DELETE FROM users WHERE email_key = $1 AND status = 'unverified' RETURNING id")
        .bind(email_key)
        .fetch_optional(&mut **tx)
        .await
}

/// Deletes sign-ups never confirmed and created before `before` (the address becomes free
/// again); returns how many.
pub async fn purge_unverified(db: &Db, before: i64) -> Result<u64, sqlx::Error> {
    sqlx::query("DELETE FROM users WHERE status = 'unverified' AND created_at < $1")
        .bind(before)
        .execute(db.pool())
        .await
        .map(|r| r.rows_affected())
}
