//! The owner of `outbox`, the transactional outbox: a mail is a row written in the same
//! transaction as the change that causes it; a worker claims due rows, delivers them and
//! records the outcome. A crash or an SMTP outage loses nothing: undelivered rows are
//! retried with backoff.
//!
//! Once delivered, a row keeps only its template name and timestamps: bodies (which may
//! hold links with secrets) and the address are erased.

use super::Mail;
use crate::platform::db::{Db, Tx};

/// Queues a mail inside the caller's transaction.
pub async fn enqueue(tx: &mut Tx, mail: &Mail, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO outbox (recipient, subject, body_text, body_html, template, created_at, next_attempt_at, attempts, \
         recipient_key) VALUES ($1, $2, $3, $4, $5, $6, $6, 0, $7)",
    )
    .bind(&mail.to)
    .bind(&mail.subject)
    .bind(&mail.text)
    .bind(&mail.html)
    .bind(&mail.template)
    .bind(now)
    .bind(recipient_key(&mail.to))
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

/// What stays of a recipient once the mail has left: a hash of the lower-cased address, so
/// that support can see which mails an account got (and which bounced) without the address
/// being kept in clear; deleting the account deletes these rows too.
pub fn recipient_key(address: &str) -> String {
    crate::platform::crypto::sha256_hex(&address.trim().to_lowercase())
}

/// Queues a mail about a document (`about`, e.g. `report:12`), so that withdrawing the
/// document can cancel it while it has not left.
pub async fn enqueue_about(tx: &mut Tx, mail: &Mail, now: i64, about: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO outbox (recipient, subject, body_text, body_html, template, created_at, next_attempt_at, attempts, about, \
         recipient_key) VALUES ($1, $2, $3, $4, $5, $6, $6, 0, $7, $8)",
    )
    .bind(&mail.to)
    .bind(&mail.subject)
    .bind(&mail.text)
    .bind(&mail.html)
    .bind(&mail.template)
    .bind(now)
    .bind(about)
    .bind(recipient_key(&mail.to))
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

/// Cancels the mails about a document that have not left and that no worker is sending
/// right now; returns how many.
pub async fn cancel_about(tx: &mut Tx, about: &str, now: i64) -> Result<u64, sqlx::Error> {
    sqlx::query(
        "DELETE FROM outbox WHERE about = $1 AND sent_at IS NULL AND failed_at IS NULL \
         AND (locked_until IS NULL OR locked_until < $2)",
    )
    .bind(about)
    .bind(now)
    .execute(&mut **tx)
    .await
    .map(|r| r.rows_affected())
}

/// A claimed mail, ready to deliver.
#[derive(Debug, Clone)]
pub struct Claimed {
    /// Outbox row id.
    pub id: i64,
    /// Delivery attempts before this one.
    pub attempts: i64,
    /// The mail.
    pub mail: Mail,
}

#[derive(sqlx::FromRow)]
struct ClaimedRow {
    id: i64,
    attempts: i64,
    recipient: String,
    subject: String,
    body_text: String,
    body_html: String,
    template: String,
}

/// Claims up to `limit` due mails for `lease` milliseconds. Safe with several workers:
/// the lease condition is re-checked on each row by the `UPDATE`, so a row is claimed once.
pub async fn claim_due(db: &Db, now: i64, lease: i64, limit: i64) -> Result<Vec<Claimed>, sqlx::Error> {
    let rows: Vec<ClaimedRow> = sqlx::query_as(
        "UPDATE outbox SET locked_until = $1 \
         WHERE id IN (SELECT id FROM outbox \
                      WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $2 \
                        AND (locked_until IS NULL OR locked_until < $2) \
                      ORDER BY id LIMIT $3) \
           AND sent_at IS NULL AND (locked_until IS NULL OR locked_until < $2) \
         RETURNING id, attempts, recipient, subject, body_text, body_html, template",
    )
    .bind(now + lease)
    .bind(now)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    let mut out: Vec<Claimed> = rows
        .into_iter()
        .map(|r| Claimed {
            id: r.id,
            attempts: r.attempts,
            mail: Mail {
                to: r.recipient,
                subject: r.subject,
                text: r.body_text,
                html: r.body_html,
                template: r.template,
            },
        })
        .collect();
    out.sort_by_key(|c| c.id);
    Ok(out)
}

/// Records a delivery and erases the content.
pub async fn mark_sent(db: &Db, id: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE outbox SET sent_at = $1, locked_until = NULL, attempts = attempts + 1, last_error = NULL, \
         recipient = '', subject = '', body_text = '', body_html = '' WHERE id = $2",
    )
    .bind(now)
    .bind(id)
    .execute(db.pool())
    .await
    .map(|_| ())
}

/// Records a failed attempt and schedules the next one; after `max_attempts`, the mail is
/// marked failed (support sees it) and its address and content erased.
pub async fn mark_retry(
    db: &Db,
    id: i64,
    attempts_before: i64,
    now: i64,
    next_attempt_at: i64,
    error: &str,
    max_attempts: i64,
) -> Result<(), sqlx::Error> {
    if attempts_before + 1 >= max_attempts {
        sqlx::query(
            "UPDATE outbox SET failed_at = $1, locked_until = NULL, attempts = attempts + 1, last_error = $2, \
             recipient = '', subject = '', body_text = '', body_html = '' WHERE id = $3",
        )
        .bind(now)
        .bind(error)
        .bind(id)
        .execute(db.pool())
        .await?;
    } else {
        sqlx::query(
            "UPDATE outbox SET next_attempt_at = $1, locked_until = NULL, attempts = attempts + 1, last_error = $2 WHERE id = $3",
        )
        .bind(next_attempt_at)
        .bind(error)
        .bind(id)
        .execute(db.pool())
        .await?;
    }
    Ok(())
}

/// One mail to an address, as support sees it: which message, and whether it left.
#[derive(Debug, sqlx::FromRow)]
pub struct Delivery {
    /// The template's name (e.g. `reset_password`).
    pub template: String,
    /// When it was queued.
    pub created_at: i64,
    /// When the mail server accepted it.
    pub sent_at: Option<i64>,
    /// When delivery was given up (the address bounced or the server refused it).
    pub failed_at: Option<i64>,
    /// The last delivery error.
    pub last_error: Option<String>,
}

/// The latest mails to an address, newest first.
pub async fn to_address(db: &Db, email: &str, limit: i64) -> Result<Vec<Delivery>, sqlx::Error> {
    sqlx::query_as(
        "SELECT template, created_at, sent_at, failed_at, last_error FROM outbox WHERE recipient_key = $1 \
         ORDER BY id DESC LIMIT $2",
    )
    .bind(recipient_key(email))
    .bind(limit)
    .fetch_all(db.pool())
    .await
}

/// Forgets every mail to an address (account deletion): the address must not stay behind.
pub async fn forget_address(tx: &mut super::super::db::Tx, email: &str) -> Result<u64, sqlx::Error> {
    sqlx::query("DELETE FROM outbox WHERE recipient_key = $1 OR LOWER(recipient) = LOWER($2)")
        .bind(recipient_key(email))
        .bind(email)
        .execute(&mut **tx)
        .await
        .map(|r| r.rows_affected())
}

/// Mails not yet delivered (for health information and tests).
pub async fn pending_count(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL")
        .fetch_one(db.pool())
        .await
}

/// The earliest time a pending mail is due, if any (so the worker can sleep until then).
pub async fn next_due(db: &Db) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT MIN(next_attempt_at) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL")
        .fetch_one(db.pool())
        .await
}

/// Deletes the delivery records of mails sent or given up on before `before` (retention).
pub async fn purge(db: &Db, before: i64) -> Result<u64, sqlx::Error> {
    sqlx::query(
        "DELETE FROM outbox WHERE (sent_at IS NOT NULL AND sent_at < $1) OR (failed_at IS NOT NULL AND failed_at < $1)",
    )
    .bind(before)
    .execute(db.pool())
    .await
    .map(|r| r.rows_affected())
}
