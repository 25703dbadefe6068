//! The owner of the `users` and `email_tokens` tables: every statement that reads or writes
//! them is here, with typed rows. Other capabilities call these functions. Status changes
//! go through [`transition`], which refuses an unexpected current status.

use crate::domain::account::{AccountStatus, UserKind};
use crate::domain::names::fold;
use crate::platform::clock::{DAY, HOUR};
use crate::platform::crypto::{random_token, sha256_hex};
use crate::platform::db::{Db, Flag, Tx};

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
#[derive(Clone, sqlx::FromRow)]
pub struct UserRow {
    /// Id.
    pub id: i64,
    /// Address as typed.
    pub email: String,
    /// Kind.
    #[sqlx(try_from = "String")]
    pub kind: UserKind,
    /// Status.
    #[sqlx(try_from = "String")]
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
    /// Back-office administrator.
    #[sqlx(try_from = "i64")]
    pub is_admin: Flag,
}

impl std::fmt::Debug for UserRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRow").field("id", &self.id).field("kind", &self.kind).field("status", &self.status).finish()
    }
}

impl UserRow {
    /// The interface language of the account's e-mails.
    pub fn language(&self) -> crate::i18n::Lang {
        crate::i18n::Lang::from_code(&self.lang)
    }
}

const USER_COLUMNS: &str = "id, email, kind, status, password_hash, first_name, last_name, lang, birth_date, is_admin";

/// Finds an account by its e-mail key (lower-cased address).
pub async fn find_by_email_key(db: &Db, key: &str) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users WHERE email_key = $1"))
        .bind(key)
        .fetch_optional(db.pool())
        .await
}

/// Finds an account by id.
pub async fn find_by_id(db: &Db, id: i64) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1")).bind(id).fetch_optional(db.pool()).await
}

/// Finds an account by id inside a transaction.
pub async fn find_in(tx: &mut Tx, id: i64) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1")).bind(id).fetch_optional(&mut **tx).await
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
    sqlx::query_scalar(
        "INSERT INTO users (email, email_key, password_hash, kind, status, last_name, first_name, birth_date, lang, \
         terms_accepted_at, created_at, updated_at, last_active_at, last_name_key, first_name_key) \
         VALUES ($1, $2, $3, 'patient', 'unverified', $4, $5, $6, $7, $8, $8, $8, $8, $9, $10) RETURNING id",
    )
    .bind(p.email)
    .bind(p.email_key)
    .bind(p.password_hash)
    .bind(p.last_name)
    .bind(p.first_name)
    .bind(p.birth_date)
    .bind(p.lang)
    .bind(now)
    .bind(fold(p.last_name))
    .bind(fold(p.first_name))
    .fetch_one(&mut **tx)
    .await
}

/// An account created by someone else (support's invitation, a validated request): no
/// password yet, status `invitation_sent`.
pub struct NewInvited<'a> {
    /// Address as typed.
    pub email: &'a str,
    /// Last name.
    pub last_name: &'a str,
    /// First name.
    pub first_name: &'a str,
    /// Kind.
    pub kind: UserKind,
    /// Back-office administrator (support only).
    pub is_admin: bool,
    /// Language code.
    pub lang: &'a str,
    /// Whether the invitation lifecycle (reminders, expiry) applies: true for support's
    /// invitations, false for a validated request (its provisional code has its own).
    pub invitation_lifecycle: bool,
}

/// Inserts an invited account; a unique violation when the address is taken.
pub async fn insert_invited(tx: &mut Tx, who: &NewInvited<'_>, now: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO users (email, email_key, password_hash, kind, status, last_name, first_name, lang, is_admin, \
         created_at, updated_at, last_active_at, invited_at, invitation_reminders, last_name_key, first_name_key) \
         VALUES ($1, $2, NULL, $3, 'invitation_sent', $4, $5, $6, $7, $8, $8, $8, $9, 0, $10, $11) RETURNING id",
    )
    .bind(who.email)
    .bind(who.email.to_lowercase())
    .bind(who.kind.as_str())
    .bind(who.last_name)
    .bind(who.first_name)
    .bind(who.lang)
    .bind(i64::from(who.is_admin))
    .bind(now)
    .bind(who.invitation_lifecycle.then_some(now))
    .bind(fold(who.last_name))
    .bind(fold(who.first_name))
    .fetch_one(&mut **tx)
    .await
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

/// Moves an account from `from` to `to`, once: false when its status was not `from` any
/// more (another request got there first, or it was never so).
pub async fn transition(
    tx: &mut Tx,
    id: i64,
    from: AccountStatus,
    to: AccountStatus,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query("UPDATE users SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4")
        .bind(to.as_str())
        .bind(now)
        .bind(id)
        .bind(from.as_str())
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// What setting a password also does to the account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Activation {
    /// The statuses the account may be in (checked by the update itself).
    pub from: &'static [AccountStatus],
    /// The status it takes; `None` keeps it, except that an unconfirmed sign-up becomes
    /// active (a reset link proves the mailbox too).
    pub to: Option<AccountStatus>,
    /// The terms of use are accepted with it.
    pub terms: bool,
}

/// Sets a password and activates the account as `activation` says, in one conditional
/// update: the link or code that led here proves the mailbox, so the address is verified.
/// False when the account was in none of the expected statuses (nothing changed), or is a
/// shared account (which never has a password). The one way to set a password: reset,
/// invitation and first sign-in all call it.
pub async fn set_password_and_activate(
    tx: &mut Tx,
    id: i64,
    hash: &str,
    activation: Activation,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let mut statuses = activation.from.iter().map(|s| format!("'{}'", s.as_str())).collect::<Vec<_>>();
    if statuses.is_empty() {
        statuses.push("''".into());
    }
    let r = sqlx::query(&format!(
        "UPDATE users SET password_hash = $1, \
         status = CASE WHEN $2 <> '' THEN $2 WHEN status = 'unverified' THEN 'active' ELSE status END, \
         email_verified_at = COALESCE(email_verified_at, $3), \
         terms_accepted_at = CASE WHEN $4 = 1 THEN $3 ELSE terms_accepted_at END, updated_at = $3 \
         WHERE id = $5 AND kind <> 'shared' AND status IN ({})",
        statuses.join(", ")
    ))
    .bind(hash)
    .bind(activation.to.map_or("", AccountStatus::as_str))
    .bind(now)
    .bind(i64::from(activation.terms))
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Replaces a password hash (a signed-in person changing theirs).
pub async fn set_password(tx: &mut Tx, user_id: i64, hash: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3 AND kind <> 'shared'")
        .bind(hash)
        .bind(now)
        .bind(user_id)
        .execute(&mut **tx)
        .await
        .map(|_| ())
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

/// Accepts the terms at a first sign-in after an invitation: `invitation_accepted` →
/// `active`; false when the account was not waiting for it.
pub async fn accept_terms(tx: &mut Tx, id: i64, now: i64) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE users SET status = 'active', terms_accepted_at = $1, updated_at = $1 WHERE id = $2 AND status = 'invitation_accepted'",
    )
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Changes names (and their folded search keys) and job title.
pub async fn set_identity(
    tx: &mut Tx,
    id: i64,
    last: &str,
    first: &str,
    job_title: Option<&str>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET last_name = $1, first_name = $2, job_title = $3, last_name_key = $4, first_name_key = $5, updated_at = $6 \
         WHERE id = $7",
    )
    .bind(last)
    .bind(first)
    .bind(job_title)
    .bind(fold(last))
    .bind(fold(first))
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

/// Sets the job title alone.
pub async fn set_job_title(tx: &mut Tx, id: i64, title: Option<&str>) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET job_title = $1 WHERE id = $2")
        .bind(title)
        .bind(id)
        .execute(&mut **tx)
        .await
        .map(|_| ())
}

/// The job title.
pub async fn job_title(db: &Db, id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT job_title FROM users WHERE id = $1").bind(id).fetch_one(db.pool()).await
}

/// The birth date an account holder gave (patients).
pub async fn birth_date(db: &Db, id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT birth_date FROM users WHERE id = $1").bind(id).fetch_one(db.pool()).await
}

/// Records a new address waiting for its confirmation link.
pub async fn set_pending_email(tx: &mut Tx, id: i64, email: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET pending_email = $1 WHERE id = $2")
        .bind(email)
        .bind(id)
        .execute(&mut **tx)
        .await
        .map(|_| ())
}

/// An address change waiting for its confirmation: the new address, and whom to tell at
/// the old one.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PendingEmail {
    /// The new address.
    pub pending_email: Option<String>,
    /// The address in use.
    pub email: String,
    /// First name.
    pub first_name: String,
    /// Language code.
    pub lang: String,
}

/// The address change waiting on an account.
pub async fn pending_email(tx: &mut Tx, id: i64) -> Result<PendingEmail, sqlx::Error> {
    sqlx::query_as("SELECT pending_email, email, first_name, lang FROM users WHERE id = $1")
        .bind(id)
        .fetch_one(&mut **tx)
        .await
}

/// Makes the pending address the account's (verified by its link); a unique violation when
/// another account took it meanwhile.
pub async fn apply_email_change(tx: &mut Tx, id: i64, new_email: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET email = $1, email_key = $2, pending_email = NULL, email_verified_at = $3, updated_at = $3 WHERE id = $4",
    )
    .bind(new_email)
    .bind(new_email.to_lowercase())
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

/// Deactivates an account, remembering its status; false when it already was.
pub async fn deactivate(tx: &mut Tx, id: i64, now: i64) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE users SET status_before_deactivation = status, status = 'deactivated', updated_at = $1 \
         WHERE id = $2 AND status <> 'deactivated'",
    )
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Reactivates a deactivated account in the status it had; `None` when it was not
/// deactivated.
pub async fn reactivate(tx: &mut Tx, id: i64, now: i64) -> Result<Option<AccountStatus>, sqlx::Error> {
    let restored: Option<String> = sqlx::query_scalar(
        "UPDATE users SET status = COALESCE(status_before_deactivation, 'active'), status_before_deactivation = NULL, updated_at = $1 \
         WHERE id = $2 AND status = 'deactivated' RETURNING status",
    )
    .bind(now)
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    restored.map(|s| AccountStatus::try_from(s).map_err(|e| sqlx::Error::Decode(Box::new(e)))).transpose()
}

/// Starts an invitation again (support's resend): `invitation_sent` from now, reminders
/// counted from zero.
pub async fn restart_invitation(tx: &mut Tx, id: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET status = 'invitation_sent', invited_at = $1, invitation_reminders = 0, updated_at = $1 WHERE id = $2",
    )
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

/// An invitation whose time is up, as read by the scheduler.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct InvitationDue {
    /// Account.
    pub id: i64,
    /// Address.
    pub email: String,
    /// First name.
    pub first_name: String,
    /// Language code.
    pub lang: String,
    /// When the invitation was sent.
    pub invited_at: i64,
    /// Reminders already sent.
    pub invitation_reminders: i64,
}

/// Invitations still pending that were sent at or before `before`.
pub async fn invitations_sent_before(db: &Db, before: i64) -> Result<Vec<InvitationDue>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, email, first_name, lang, invited_at, invitation_reminders FROM users \
         WHERE status = 'invitation_sent' AND invited_at IS NOT NULL AND invited_at <= $1 ORDER BY id",
    )
    .bind(before)
    .fetch_all(db.pool())
    .await
}

/// Expires an invitation, once (it must still be the same pending invitation).
pub async fn expire_invitation(tx: &mut Tx, id: i64, invited_at: i64, now: i64) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE users SET status = 'invitation_expired', updated_at = $1 WHERE id = $2 AND status = 'invitation_sent' AND invited_at = $3",
    )
    .bind(now)
    .bind(id)
    .bind(invited_at)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Claims reminder number `target` of an invitation, once across instances.
pub async fn claim_reminder(tx: &mut Tx, due: &InvitationDue, target: i64) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE users SET invitation_reminders = $1 \
         WHERE id = $2 AND invitation_reminders = $3 AND status = 'invitation_sent' AND invited_at = $4",
    )
    .bind(target)
    .bind(due.id)
    .bind(due.invitation_reminders)
    .bind(due.invited_at)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// The second-factor columns of an account.
#[derive(Clone, sqlx::FromRow)]
pub struct SecondFactorRow {
    /// Kind of account.
    #[sqlx(try_from = "String")]
    pub kind: UserKind,
    /// Address.
    pub email: String,
    /// Sealed seed of the enrolled authenticator.
    pub totp_secret: Option<String>,
    /// Sealed seed waiting for its first code.
    pub totp_pending_secret: Option<String>,
    /// When the authenticator was enrolled.
    pub totp_enabled_at: Option<i64>,
    /// The last step accepted (a code works once).
    pub totp_last_step: Option<i64>,
}

/// Reads the second-factor columns.
pub async fn second_factor(db: &Db, id: i64) -> Result<SecondFactorRow, sqlx::Error> {
    sqlx::query_as(
        "SELECT kind, email, totp_secret, totp_pending_secret, totp_enabled_at, totp_last_step FROM users WHERE id = $1",
    )
    .bind(id)
    .fetch_one(db.pool())
    .await
}

/// Stores a new sealed seed waiting for its first code.
pub async fn set_pending_totp(tx: &mut Tx, id: i64, sealed: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET totp_pending_secret = $1 WHERE id = $2")
        .bind(sealed)
        .bind(id)
        .execute(&mut **tx)
        .await
        .map(|_| ())
}

/// Makes the pending seed the enrolled one.
pub async fn enable_totp(tx: &mut Tx, id: i64, step: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET totp_secret = totp_pending_secret, totp_pending_secret = NULL, totp_enabled_at = $1, totp_last_step = $2 WHERE id = $3",
    )
    .bind(now)
    .bind(step)
    .bind(id)
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

/// Removes the authenticator; true when one was enrolled.
pub async fn clear_totp(tx: &mut Tx, id: i64) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE users SET totp_secret = NULL, totp_pending_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL \
         WHERE id = $1 AND (totp_enabled_at IS NOT NULL OR totp_pending_secret IS NOT NULL)",
    )
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Records the step of an accepted code, once: false when that step (or a later one) was
/// already used, even by a request a moment ago.
pub async fn use_totp_step(tx: &mut Tx, id: i64, step: i64) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
    )
    .bind(step)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Records that an account was used now (each sign-in): not inactive, no warning due.
pub async fn touch(tx: &mut Tx, id: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET last_active_at = $1, inactivity_warned_at = NULL WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await
        .map(|_| ())
}

/// An account unused for long, to warn.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Idle {
    /// Account.
    pub id: i64,
    /// Address.
    pub email: String,
    /// First name.
    pub first_name: String,
    /// Language code.
    pub lang: String,
}

/// Patient and professional accounts last used before `before` and not warned yet.
pub async fn idle_unwarned(db: &Db, before: i64) -> Result<Vec<Idle>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, email, first_name, lang FROM users \
         WHERE last_active_at < $1 AND inactivity_warned_at IS NULL AND kind IN ('patient', 'professional') \
           AND status <> 'unverified' AND deleted_at IS NULL ORDER BY id LIMIT 500",
    )
    .bind(before)
    .fetch_all(db.pool())
    .await
}

/// Marks an idle account as warned, once across instances.
pub async fn claim_inactivity_warning(tx: &mut Tx, id: i64, now: i64) -> Result<bool, sqlx::Error> {
    let r = sqlx::query("UPDATE users SET inactivity_warned_at = $1 WHERE id = $2 AND inactivity_warned_at IS NULL")
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Claims the accounts last used before `unused_since` and warned before `warned_before`
/// for erasure (marks them deleted, once across instances); returns their ids and
/// addresses for [`erase`].
pub async fn claim_inactive(
    tx: &mut Tx,
    unused_since: i64,
    warned_before: i64,
    now: i64,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "UPDATE users SET deleted_at = $3 WHERE last_active_at < $1 AND inactivity_warned_at IS NOT NULL \
         AND inactivity_warned_at <= $2 AND kind IN ('patient', 'professional') AND deleted_at IS NULL RETURNING id, email",
    )
    .bind(unused_since)
    .bind(warned_before)
    .bind(now)
    .fetch_all(&mut **tx)
    .await
}

/// An active account to send a digest to.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DigestRecipient {
    /// Their address.
    pub email: String,
    /// First name.
    pub first_name: String,
    /// `fr` or `en`.
    pub lang: String,
}

/// The address of a professional for their digest, if the account is still active.
pub async fn digest_recipient(tx: &mut Tx, id: i64) -> Result<Option<DigestRecipient>, sqlx::Error> {
    sqlx::query_as("SELECT email, first_name, lang FROM users WHERE id = $1 AND status = 'active'")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await
}

/// Reads a person's notice preferences: report e-mails on (patients), one e-mail per
/// document rather than a digest (professionals).
pub async fn notice_prefs(db: &Db, id: i64) -> Result<(bool, bool), sqlx::Error> {
    let row: (i64, String) = sqlx::query_as("SELECT report_emails, notice_mode FROM users WHERE id = $1")
        .bind(id)
        .fetch_one(db.pool())
        .await?;
    Ok((row.0 != 0, row.1 == "each"))
}

/// Sets whether a patient receives "new report" e-mails.
pub async fn set_report_emails(tx: &mut Tx, id: i64, on: bool, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET report_emails = $1, updated_at = $2 WHERE id = $3")
        .bind(i64::from(on))
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await
        .map(|_| ())
}

/// Sets how a professional hears about new documents (`each` or `digest`).
pub async fn set_notice_mode(tx: &mut Tx, id: i64, each: bool, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET notice_mode = $1, updated_at = $2 WHERE id = $3")
        .bind(if each { "each" } else { "digest" })
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await
        .map(|_| ())
}

/// What the admin console shows of one account.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AdminView {
    /// Id.
    pub id: i64,
    /// Address.
    pub email: String,
    /// Kind.
    #[sqlx(try_from = "String")]
    pub kind: UserKind,
    /// Status.
    #[sqlx(try_from = "String")]
    pub status: AccountStatus,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Job title.
    pub job_title: Option<String>,
    /// Administrator.
    #[sqlx(try_from = "i64")]
    pub is_admin: Flag,
    /// When the authenticator was enrolled.
    pub totp_enabled_at: Option<i64>,
    /// An address change waiting for confirmation.
    pub pending_email: Option<String>,
    /// Created at.
    pub created_at: i64,
    /// When the current invitation was sent.
    pub invited_at: Option<i64>,
    /// Reminders sent for it.
    pub invitation_reminders: i64,
}

/// One account for the admin console.
pub async fn admin_view(db: &Db, id: i64) -> Result<Option<AdminView>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, email, kind, status, first_name, last_name, job_title, is_admin, totp_enabled_at, pending_email, \
         created_at, invited_at, invitation_reminders FROM users WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
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
    add_token(tx, user_id, purpose, now, now + purpose.ttl()).await
}

/// Creates one more link token valid until `expires_at`, leaving earlier ones working (an
/// invitation's reminder: every link of it works until the invitation ends).
pub async fn add_token(
    tx: &mut Tx,
    user_id: i64,
    purpose: TokenPurpose,
    now: i64,
    expires_at: i64,
) -> Result<String, sqlx::Error> {
    let token = random_token();
    sqlx::query(
        "INSERT INTO email_tokens (token_hash, user_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(sha256_hex(&token))
    .bind(user_id)
    .bind(purpose.as_str())
    .bind(now)
    .bind(expires_at)
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

#[derive(sqlx::FromRow)]
struct TokenRow {
    user_id: i64,
    expires_at: i64,
    used_at: Option<i64>,
}

impl TokenRow {
    fn state(self, now: i64) -> TokenState {
        if self.used_at.is_some() {
            TokenState::Used
        } else if self.expires_at <= now {
            TokenState::Expired
        } else {
            TokenState::Valid(self.user_id)
        }
    }
}

/// Reads a token's state without using it (for the page a link opens).
pub async fn peek_token(db: &Db, token: &str, purpose: TokenPurpose, now: i64) -> Result<TokenState, sqlx::Error> {
    let row: Option<TokenRow> =
        sqlx::query_as("SELECT user_id, expires_at, used_at FROM email_tokens WHERE token_hash = $1 AND purpose = $2")
            .bind(sha256_hex(token))
            .bind(purpose.as_str())
            .fetch_optional(db.pool())
            .await?;
    Ok(row.map_or(TokenState::Unknown, |r| r.state(now)))
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
    let row: Option<TokenRow> =
        sqlx::query_as("SELECT user_id, expires_at, used_at FROM email_tokens WHERE token_hash = $1 AND purpose = $2")
            .bind(&hash)
            .bind(purpose.as_str())
            .fetch_optional(&mut **tx)
            .await?;
    Ok(row.map_or(TokenState::Unknown, |r| r.state(now)))
}

/// Deletes link tokens spent or expired before `before` (retention).
pub async fn purge_spent_tokens(db: &Db, before: i64) -> Result<u64, sqlx::Error> {
    sqlx::query("DELETE FROM email_tokens WHERE (used_at IS NOT NULL OR expires_at < $1) AND created_at < $1")
        .bind(before)
        .execute(db.pool())
        .await
        .map(|r| r.rows_affected())
}

/// Rows per page of the admin list.
pub const PAGE_SIZE: i64 = 50;

/// A role to filter the admin list on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Administrators of the back-office.
    Admin,
    /// Biologists.
    Biologist,
    /// Collaborators.
    Collaborator,
}

impl Role {
    /// Reads the filter value.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "admin" => Some(Role::Admin),
            "biologist" => Some(Role::Biologist),
            "collaborator" => Some(Role::Collaborator),
            _ => None,
        }
    }
}

/// What the admin list shows.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Search text: prefix of last name, first name or e-mail.
    pub q: String,
    /// Status.
    pub status: Option<AccountStatus>,
    /// Kind of account.
    pub kind: Option<UserKind>,
    /// Structure id.
    pub structure: Option<i64>,
    /// Role.
    pub role: Option<Role>,
    /// Page, from 1.
    pub page: i64,
}

/// One row of the admin list.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ListRow {
    /// Id.
    pub id: i64,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Address.
    pub email: String,
    /// Kind.
    #[sqlx(try_from = "String")]
    pub kind: UserKind,
    /// Status.
    #[sqlx(try_from = "String")]
    pub status: AccountStatus,
    /// Administrator.
    #[sqlx(try_from = "i64")]
    pub is_admin: Flag,
    /// Structure, for professionals.
    pub structure_name: Option<String>,
}

impl ListRow {
    /// "Last First", as the list sorts.
    pub fn name(&self) -> String {
        format!("{} {}", self.last_name, self.first_name).trim_end().to_string()
    }
}

/// A page of the admin list with the total count.
#[derive(Clone, Debug)]
pub struct Page {
    /// Rows.
    pub rows: Vec<ListRow>,
    /// Matching accounts.
    pub total: i64,
}

type Builder<'a> = sqlx::QueryBuilder<'a, sqlx::Any>;

/// Adds the filter's conditions (prefix searches are index range scans: no `LIKE '%…%'`).
fn push_where(b: &mut Builder<'_>, f: &Filter) {
    let mut first = true;
    let mut and = |b: &mut Builder<'_>| {
        b.push(if first { " WHERE " } else { " AND " });
        first = false;
    };
    let q = fold(&f.q);
    if let Some(s) = f.status {
        and(b);
        // While searching, the prefix ranges are far more selective: `|| ''` keeps the
        // planner from walking the whole status index instead.
        b.push(if q.is_empty() { "u.status = " } else { "u.status || '' = " }).push_bind(s.as_str().to_string());
    }
    if let Some(k) = f.kind {
        and(b);
        b.push("u.kind = ").push_bind(k.as_str().to_string());
    }
    if let Some(s) = f.structure {
        and(b);
        b.push("pa.structure_id = ").push_bind(s);
    }
    match f.role {
        Some(Role::Admin) => {
            and(b);
            b.push("u.is_admin = 1");
        }
        Some(Role::Biologist) => {
            and(b);
            b.push("pa.profile = 'biologist'");
        }
        Some(Role::Collaborator) => {
            and(b);
            b.push("pa.profile = 'collaborator'");
        }
        None => {}
    }
    if !q.is_empty() {
        and(b);
        let email = f.q.trim().to_lowercase();
        b.push("((u.last_name_key >= ")
            .push_bind(q.clone())
            .push(" AND u.last_name_key < ")
            .push_bind(format!("{q}\u{10FFFF}"))
            .push(") OR (u.first_name_key >= ")
            .push_bind(q.clone())
            .push(" AND u.first_name_key < ")
            .push_bind(format!("{q}\u{10FFFF}"))
            .push(") OR (u.email_key >= ")
            .push_bind(email.clone())
            .push(" AND u.email_key < ")
            .push_bind(format!("{email}\u{10FFFF}"))
            .push("))");
    }
}

/// One page of accounts matching the filter, ordered by name.
pub async fn list_page(db: &Db, f: &Filter) -> Result<Page, sqlx::Error> {
    let joins_access = f.structure.is_some() || matches!(f.role, Some(Role::Biologist | Role::Collaborator));
    let mut count = Builder::new("SELECT COUNT(*) FROM users u");
    if joins_access {
        count.push(" JOIN professional_access pa ON pa.user_id = u.id");
    }
    push_where(&mut count, f);
    let total: i64 = crate::platform::db::scalar_built(db, count).await?;

    let offset = (f.page.max(1) - 1).saturating_mul(PAGE_SIZE);
    // Written in the SQL, not bound: two integers of ours, and SQLite plans an index walk
    // for `ORDER BY … LIMIT 50` only when it knows the limit (bound, it sorted the whole
    // table: 2 ms became 20 ms at 100,000 accounts).
    let limit = format!(" LIMIT {PAGE_SIZE} OFFSET {offset}");
    let order = " ORDER BY u.last_name_key, u.first_name_key, u.id";
    let columns =
        "SELECT u.id, u.first_name, u.last_name, u.email, u.kind, u.status, u.is_admin, s.name AS structure_name";
    let mut rows = Builder::new(columns);
    if joins_access {
        // Filtering on the professional side: an inner join, which the planner can start from.
        rows.push(" FROM users u JOIN professional_access pa ON pa.user_id = u.id LEFT JOIN structures s ON s.id = pa.structure_id");
        push_where(&mut rows, f);
        rows.push(order);
    } else {
        // Page through the users alone (an index walk), then join only the rows shown.
        rows.push(" FROM (SELECT u.id FROM users u");
        push_where(&mut rows, f);
        rows.push(order);
        rows.push(&limit);
        rows.push(
            ") page JOIN users u ON u.id = page.id LEFT JOIN professional_access pa ON pa.user_id = u.id LEFT JOIN structures s ON s.id = pa.structure_id",
        );
        rows.push(order);
        let rows = crate::platform::db::fetch_built(db, rows).await?;
        return Ok(Page { rows, total });
    }
    rows.push(&limit);
    let rows = crate::platform::db::fetch_built(db, rows).await?;
    Ok(Page { rows, total })
}

/// Turns account `id` into a tombstone at its owner's request (GDPR article 17): its row
/// stays, emptied of every personal field, so that audit lines keep pointing at an id that
/// names nobody (pseudonymised) and is never given to anyone else; its e-mail tokens go.
/// What hangs off it in other capabilities' tables is erased by their owners
/// (`my_data::flows::erase_everything` calls each). Runs in the caller's transaction; the
/// caller checked the right to delete.
pub async fn erase(tx: &mut Tx, id: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM email_tokens WHERE user_id = $1").bind(id).execute(&mut **tx).await?;
    sqlx::query(
        "UPDATE users SET email = 'deleted-' || CAST(id AS TEXT), email_key = 'deleted-' || CAST(id AS TEXT), \
         password_hash = NULL, last_name = '', first_name = '', last_name_key = '', first_name_key = '', \
         birth_date = NULL, job_title = NULL, totp_secret = NULL, totp_pending_secret = NULL, totp_enabled_at = NULL, \
         pending_email = NULL, status = 'deactivated', status_before_deactivation = NULL, deleted_at = $1, updated_at = $1 \
         WHERE id = $2",
    )
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
