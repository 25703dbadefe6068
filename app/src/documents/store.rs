//! The owner of `documents` and `document_blobs`: records a sealed document, opens it, and
//! re-seals every document key under a new server key. The database storage
//! (`storage::DatabaseStorage`) keeps its sealed bytes in `document_blobs` through
//! [`insert_blob_part`] and [`blob_parts`].

use super::DocumentError;
use super::seal::{self, SealedKey};
use crate::platform::AppState;
use crate::platform::db::{Db, Tx};

/// A document written by [`put`], for the caller to discard if its transaction fails.
#[derive(Debug, Clone)]
pub struct Stored {
    /// `documents.id`.
    pub id: i64,
    /// The storage key (file name or object name).
    pub storage_key: String,
    /// Plaintext size in bytes.
    pub size: i64,
}

/// Seals `buffer` (made by [`seal::buffer_for`], holding the PDF after the nonce room) and
/// stores it inside the caller's transaction. The buffer is encrypted in place.
#[tracing::instrument(skip_all)]
pub async fn put(state: &AppState, tx: &mut Tx, mut buffer: Vec<u8>) -> Result<Stored, DocumentError> {
    let size = (buffer.len().saturating_sub(seal::NONCE_LEN)) as i64;
    let key = seal::seal_in_place(state.settings.secret(), &mut buffer)?;
    let storage_key = crate::platform::crypto::random_token()[..32].to_string();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO documents (storage, storage_key, sealed_key, key_id, size, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(state.documents.name())
    .bind(&storage_key)
    .bind(&key.sealed)
    .bind(&key.key_id)
    .bind(size)
    .bind(state.now())
    .fetch_one(&mut **tx)
    .await?;
    state.documents.put(tx, id, &storage_key, buffer).await?;
    Ok(Stored { id, storage_key, size })
}

/// Removes what [`put`] wrote when its transaction did not commit.
pub async fn discard(state: &AppState, stored: &Stored) {
    state.documents.discard(&stored.storage_key).await;
}

/// Deletes a document nothing refers to any more (an expired data export): its row and
/// its sealed bytes kept in the database, in the caller's transaction. Answers the storage
/// key, for [`forget_bytes`] once the transaction committed (a file kept in a directory).
pub async fn delete(tx: &mut Tx, id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query("DELETE FROM document_blobs WHERE document_id = $1").bind(id).execute(&mut **tx).await?;
    sqlx::query_scalar("DELETE FROM documents WHERE id = $1 RETURNING storage_key")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await
}

/// Writes part `part` of document `id`'s sealed bytes in the database storage
/// (`storage::DatabaseStorage`), in the caller's transaction.
pub(crate) async fn insert_blob_part(tx: &mut Tx, id: i64, part: i64, bytes: &[u8]) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO document_blobs (document_id, part, sealed) VALUES ($1, $2, $3)")
        .bind(id)
        .bind(part)
        .bind(bytes)
        .execute(&mut **tx)
        .await
        .map(|_| ())
}

/// The sealed parts of document `id` kept in the database storage, in order (none when it
/// is not there).
pub(crate) async fn blob_parts(db: &Db, id: i64) -> Result<Vec<Vec<u8>>, sqlx::Error> {
    sqlx::query_scalar("SELECT sealed FROM document_blobs WHERE document_id = $1 ORDER BY part")
        .bind(id)
        .fetch_all(db.pool())
        .await
}

/// Removes the sealed bytes kept outside the database under `storage_key` (nothing to do
/// for the database storage, whose rows [`delete`] took).
pub async fn forget_bytes(state: &AppState, storage_key: &str) {
    state.documents.discard(storage_key).await;
}

#[derive(sqlx::FromRow)]
struct DocumentRow {
    storage_key: String,
    sealed_key: String,
    key_id: String,
}

/// Reads and opens a document: the PDF's bytes.
#[tracing::instrument(skip_all)]
pub async fn open(state: &AppState, id: i64) -> Result<Vec<u8>, DocumentError> {
    let row: DocumentRow = sqlx::query_as("SELECT storage_key, sealed_key, key_id FROM documents WHERE id = $1")
        .bind(id)
        .fetch_one(state.db.pool())
        .await?;
    let sealed = state.documents.get(&state.db, id, &row.storage_key).await?;
    Ok(seal::open(state.settings.secret(), &SealedKey { sealed: row.sealed_key, key_id: row.key_id }, sealed)?)
}

/// Where a key rotation stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rotation {
    /// Document keys re-sealed by this run.
    pub resealed: u64,
    /// Document keys already under the new key (an earlier, interrupted run).
    pub already: u64,
}

#[derive(sqlx::FromRow)]
struct KeyRow {
    id: i64,
    sealed_key: String,
    key_id: String,
}

/// Re-seals every document key sealed under `old` so that it is sealed under `new`, in
/// batches of `batch` per transaction. Resumable: keys already under `new` are counted and
/// left alone. Keys under any third key are an error (nothing is changed in that batch).
pub async fn rotate_keys(db: &Db, old: &[u8], new: &[u8], batch: i64) -> Result<Rotation, DocumentError> {
    let old_id = seal::key_id(old);
    let new_id = seal::key_id(new);
    let already: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM documents WHERE key_id = $1")
        .bind(&new_id)
        .fetch_one(db.pool())
        .await?;
    let mut rotation = Rotation { resealed: 0, already: already as u64 };
    loop {
        let mut tx = db.begin().await?;
        let rows: Vec<KeyRow> =
            sqlx::query_as("SELECT id, sealed_key, key_id FROM documents WHERE key_id <> $1 ORDER BY id LIMIT $2")
                .bind(&new_id)
                .bind(batch)
                .fetch_all(&mut *tx)
                .await?;
        if rows.is_empty() {
            return Ok(rotation);
        }
        for row in rows {
            if row.key_id != old_id {
                return Err(seal::SealError::OtherServerKey { found: row.key_id, ours: old_id }.into());
            }
            let resealed = seal::reseal_key(old, new, &SealedKey { sealed: row.sealed_key, key_id: row.key_id })?;
            sqlx::query("UPDATE documents SET sealed_key = $1, key_id = $2 WHERE id = $3 AND key_id = $4")
                .bind(&resealed.sealed)
                .bind(&resealed.key_id)
                .bind(row.id)
                .bind(&old_id)
                .execute(&mut *tx)
                .await?;
            rotation.resealed += 1;
        }
        tx.commit().await?;
    }
}

/// Counts documents per server key identifier (for `sesame keys status`).
pub async fn count_by_key(db: &Db) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT key_id, COUNT(*) FROM documents GROUP BY key_id ORDER BY key_id").fetch_all(db.pool()).await
}

/// The plaintext sizes of documents, to show beside their links.
pub async fn sizes(db: &Db, ids: &[i64]) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let size: Option<i64> =
            sqlx::query_scalar("SELECT size FROM documents WHERE id = $1").bind(id).fetch_optional(db.pool()).await?;
        if let Some(size) = size {
            out.push((*id, size));
        }
    }
    Ok(out)
}
