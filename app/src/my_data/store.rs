//! The owner of `data_exports`: exports of a person's data built in the background (one per
//! person), from the request to their expiry. The sealed ZIP itself is a document of
//! `documents` (`documents::store`).

use crate::platform::db::{Db, Tx};

/// Where an export stands, as its page shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportStatus {
    /// Queued or being built.
    Preparing,
    /// Built: downloadable until `expires_at`.
    Ready {
        /// When it is deleted (Unix ms).
        expires_at: i64,
    },
}

#[derive(sqlx::FromRow)]
struct Row {
    status: String,
    expires_at: Option<i64>,
}

/// The person's export, if they asked for one that has not expired.
pub async fn status_of(db: &Db, user_id: i64, now: i64) -> Result<Option<ExportStatus>, sqlx::Error> {
    let row: Option<Row> = sqlx::query_as("SELECT status, expires_at FROM data_exports WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.and_then(|r| match (r.status.as_str(), r.expires_at) {
        ("ready", Some(at)) if at > now => Some(ExportStatus::Ready { expires_at: at }),
        ("ready", _) => None,
        _ => Some(ExportStatus::Preparing),
    }))
}

/// Queues an export for the person, replacing a previous one: answers the document of the
/// replaced export, for the caller to delete in the same transaction.
pub async fn request(tx: &mut Tx, user_id: i64, now: i64) -> Result<Option<i64>, sqlx::Error> {
    let previous: Option<Option<i64>> =
        sqlx::query_scalar("DELETE FROM data_exports WHERE user_id = $1 RETURNING document_id")
            .bind(user_id)
            .fetch_optional(&mut **tx)
            .await?;
    sqlx::query("INSERT INTO data_exports (user_id, status, requested_at) VALUES ($1, 'pending', $2)")
        .bind(user_id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(previous.flatten())
}

/// An export claimed for building.
#[derive(Debug, Clone, Copy)]
pub struct Claimed {
    /// `data_exports.id`.
    pub id: i64,
    /// Whose data.
    pub user_id: i64,
}

/// Claims the oldest export waiting to be built (or whose builder died: lease over) for
/// `lease` ms. Several instances never claim the same one: a conditional update decides.
pub async fn claim(db: &Db, now: i64, lease: i64) -> Result<Option<Claimed>, sqlx::Error> {
    let candidate: Option<(i64, i64)> = sqlx::query_as(
        "SELECT id, user_id FROM data_exports \
         WHERE status = 'pending' OR (status = 'building' AND lease_until <= $1) \
         ORDER BY requested_at LIMIT 1",
    )
    .bind(now)
    .fetch_optional(db.pool())
    .await?;
    let Some((id, user_id)) = candidate else { return Ok(None) };
    let claimed = sqlx::query(
        "UPDATE data_exports SET status = 'building', lease_until = $1 \
         WHERE id = $2 AND (status = 'pending' OR (status = 'building' AND lease_until <= $3))",
    )
    .bind(now + lease)
    .bind(id)
    .bind(now)
    .execute(db.pool())
    .await?
    .rows_affected()
        == 1;
    Ok(claimed.then_some(Claimed { id, user_id }))
}

/// Marks a claimed export built, with its sealed document: answers false when the export
/// was replaced or deleted meanwhile (the caller then rolls back).
pub async fn mark_ready(
    tx: &mut Tx,
    id: i64,
    document_id: i64,
    now: i64,
    expires_at: i64,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE data_exports SET status = 'ready', document_id = $1, ready_at = $2, expires_at = $3, lease_until = NULL \
         WHERE id = $4 AND status = 'building'",
    )
    .bind(document_id)
    .bind(now)
    .bind(expires_at)
    .bind(id)
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1)
}

/// The document of the person's ready, unexpired export.
pub async fn ready_document(db: &Db, user_id: i64, now: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT document_id FROM data_exports WHERE user_id = $1 AND status = 'ready' AND expires_at > $2",
    )
    .bind(user_id)
    .bind(now)
    .fetch_optional(db.pool())
    .await
    .map(Option::flatten)
}

/// Deletes the person's export (account deletion): answers its document, for the caller to
/// delete in the same transaction.
pub async fn delete_of(tx: &mut Tx, user_id: i64) -> Result<Option<i64>, sqlx::Error> {
    let document: Option<Option<i64>> =
        sqlx::query_scalar("DELETE FROM data_exports WHERE user_id = $1 RETURNING document_id")
            .bind(user_id)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(document.flatten())
}

/// Deletes expired exports: answers their documents, for the caller to delete in the same
/// transaction.
pub async fn delete_expired(tx: &mut Tx, now: i64) -> Result<Vec<i64>, sqlx::Error> {
    let documents: Vec<Option<i64>> = sqlx::query_scalar(
        "DELETE FROM data_exports WHERE status = 'ready' AND expires_at <= $1 RETURNING document_id",
    )
    .bind(now)
    .fetch_all(&mut **tx)
    .await?;
    Ok(documents.into_iter().flatten().collect())
}
