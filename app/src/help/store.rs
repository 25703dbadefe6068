//! The owner of `support_messages` and `support_replies`: what people write to support from
//! `/aide`, the confirmation of a signed-out writer's address, support's replies, and the
//! counts per cause.

use crate::platform::db::{Db, Tx};

/// A message to store.
pub struct NewMessage<'a> {
    /// Topic slug.
    pub category: &'a str,
    /// The writer's account, when signed in.
    pub user_id: Option<i64>,
    /// Where replies go.
    pub email: &'a str,
    /// How the writer signs.
    pub name: &'a str,
    /// The message.
    pub body: &'a str,
    /// The writer's language code.
    pub lang: &'a str,
    /// Hash of the confirmation link (signed-out writers), with its expiry.
    pub confirm: Option<(&'a str, i64)>,
}

/// Stores a message: open at once for a signed-in writer, unconfirmed otherwise.
pub async fn insert(tx: &mut Tx, m: &NewMessage<'_>, now: i64) -> Result<i64, sqlx::Error> {
    let status = if m.confirm.is_some() { "unconfirmed" } else { "open" };
    sqlx::query_scalar(
        "INSERT INTO support_messages (category, user_id, email, name, body, lang, status, confirm_token_hash, \
         confirm_expires_at, created_at, confirmed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(m.category)
    .bind(m.user_id)
    .bind(m.email)
    .bind(m.name)
    .bind(m.body)
    .bind(m.lang)
    .bind(status)
    .bind(m.confirm.map(|c| c.0))
    .bind(m.confirm.map(|c| c.1))
    .bind(now)
    .bind(m.confirm.is_none().then_some(now))
    .fetch_one(&mut **tx)
    .await
}

/// Opens the unconfirmed message whose link this is, once, before it expires; attaches it
/// to the account that uses the address, if any. Returns the message id.
pub async fn confirm(tx: &mut Tx, token_hash: &str, now: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE support_messages SET status = 'open', confirmed_at = $1, confirm_token_hash = NULL, \
         user_id = (SELECT u.id FROM users u WHERE u.email_key = LOWER(support_messages.email) AND u.deleted_at IS NULL) \
         WHERE confirm_token_hash = $2 AND status = 'unconfirmed' AND confirm_expires_at > $1 RETURNING id",
    )
    .bind(now)
    .bind(token_hash)
    .fetch_optional(&mut **tx)
    .await
}

/// Forgets unconfirmed messages whose link expired (nobody proved the address).
pub async fn purge_unconfirmed(db: &Db, now: i64) -> Result<u64, sqlx::Error> {
    sqlx::query("DELETE FROM support_messages WHERE status = 'unconfirmed' AND confirm_expires_at <= $1")
        .bind(now)
        .execute(db.pool())
        .await
        .map(|r| r.rows_affected())
}

/// Deletes messages closed before `before`, with their replies (cascade, and explicitly
/// for engines that do not cascade).
pub async fn purge_closed(db: &Db, before: i64) -> Result<u64, sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query(
        "DELETE FROM support_replies WHERE message_id IN \
         (SELECT id FROM support_messages WHERE status = 'closed' AND closed_at <= $1)",
    )
    .bind(before)
    .execute(&mut *tx)
    .await?;
    let n = sqlx::query("DELETE FROM support_messages WHERE status = 'closed' AND closed_at <= $1")
        .bind(before)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    tx.commit().await?;
    Ok(n)
}

/// A message as support reads it.
#[derive(sqlx::FromRow)]
pub struct MessageRow {
    /// Id.
    pub id: i64,
    /// Topic slug.
    pub category: String,
    /// The writer's account, if any.
    pub user_id: Option<i64>,
    /// Reply address.
    pub email: String,
    /// Signature.
    pub name: String,
    /// The message.
    pub body: String,
    /// Writer's language.
    pub lang: String,
    /// `open` or `closed` (support never sees unconfirmed ones).
    pub status: String,
    /// When it reached support.
    pub confirmed_at: Option<i64>,
    /// When it was written.
    pub created_at: i64,
}

impl std::fmt::Debug for MessageRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MessageRow").field("id", &self.id).field("status", &self.status).finish()
    }
}

const COLUMNS: &str = "id, category, user_id, email, name, body, lang, status, confirmed_at, created_at";

/// The messages that reached support, open ones first, oldest first.
pub async fn queue(db: &Db, status: &str, limit: i64) -> Result<Vec<MessageRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM support_messages WHERE status = $1 ORDER BY confirmed_at ASC, id ASC LIMIT $2"
    ))
    .bind(status)
    .bind(limit)
    .fetch_all(db.pool())
    .await
}

/// One message that reached support.
pub async fn find(db: &Db, id: i64) -> Result<Option<MessageRow>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM support_messages WHERE id = $1 AND status <> 'unconfirmed'"))
        .bind(id)
        .fetch_optional(db.pool())
        .await
}

/// Closes a message; false when it was not open.
pub async fn close(tx: &mut Tx, id: i64, agent_id: i64, now: i64) -> Result<bool, sqlx::Error> {
    sqlx::query("UPDATE support_messages SET status = 'closed', closed_at = $1, closed_by = $2 WHERE id = $3 AND status = 'open'")
        .bind(now)
        .bind(agent_id)
        .bind(id)
        .execute(&mut **tx)
        .await
        .map(|r| r.rows_affected() == 1)
}

/// Stores a reply.
pub async fn insert_reply(
    tx: &mut Tx,
    message_id: i64,
    agent_id: i64,
    body: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO support_replies (message_id, agent_id, body, created_at) VALUES ($1, $2, $3, $4)")
        .bind(message_id)
        .bind(agent_id)
        .bind(body)
        .bind(now)
        .execute(&mut **tx)
        .await
        .map(|_| ())
}

/// A reply sent.
#[derive(Debug, sqlx::FromRow)]
pub struct ReplyRow {
    /// The text sent.
    pub body: String,
    /// When.
    pub created_at: i64,
}

/// The replies to a message, oldest first.
pub async fn replies(db: &Db, message_id: i64) -> Result<Vec<ReplyRow>, sqlx::Error> {
    sqlx::query_as("SELECT body, created_at FROM support_replies WHERE message_id = $1 ORDER BY id")
        .bind(message_id)
        .fetch_all(db.pool())
        .await
}

/// Messages that reached support since `since`, per week (Monday-based index from the Unix
/// epoch) and category.
pub async fn weekly_counts(db: &Db, since: i64) -> Result<Vec<(i64, String, i64)>, sqlx::Error> {
    // 1970-01-01 was a Thursday: shifting by 3 days makes weeks start on Mondays.
    let week = 7 * crate::platform::clock::DAY;
    let shift = 3 * crate::platform::clock::DAY;
    sqlx::query_as(&format!(
        "SELECT ((confirmed_at + {shift}) / {week}) AS w, category, COUNT(*) FROM support_messages \
         WHERE confirmed_at IS NOT NULL AND confirmed_at >= $1 GROUP BY w, category ORDER BY w DESC, category"
    ))
    .bind(since)
    .fetch_all(db.pool())
    .await
}

/// Messages of one account (the export of a person's data).
pub async fn of_user(db: &Db, user_id: i64) -> Result<Vec<MessageRow>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM support_messages WHERE user_id = $1 ORDER BY id"))
        .bind(user_id)
        .fetch_all(db.pool())
        .await
}

/// Forgets everything a person wrote (account deletion): their messages by account or by
/// address, with the replies.
pub async fn delete_of(tx: &mut Tx, user_id: i64, email_key: &str) -> Result<u64, sqlx::Error> {
    sqlx::query("DELETE FROM support_messages WHERE user_id = $1 OR LOWER(email) = $2")
        .bind(user_id)
        .bind(email_key)
        .execute(&mut **tx)
        .await
        .map(|r| r.rows_affected())
}
