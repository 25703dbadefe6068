//! Where sealed documents are kept, behind one small trait: in the database (the default,
//! `document_blobs`) or in a directory (`SESAME_DOCUMENTS_DIR`). Flows never know which.
//!
//! Adding an S3-compatible object store is one more implementation of [`DocumentStorage`]
//! (`put` uploads the object under its key, `get` downloads it, `delete` removes it) and one
//! more case where the state is built; the flows and the `documents` table do not change.

use crate::platform::db::{Db, Tx};
use futures::future::BoxFuture;
use std::path::PathBuf;

/// A storage failure (the flow answers 507/503 and stores nothing).
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The database refused or failed.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// The file system refused (full disk, permissions).
    #[error("file system: {0}")]
    Io(#[from] std::io::Error),
    /// No such document in this storage.
    #[error("document not found in storage")]
    Missing,
}

impl StorageError {
    /// True when the storage is out of space (the API answers 507).
    pub fn is_full(&self) -> bool {
        match self {
            StorageError::Io(e) => e.raw_os_error() == Some(28) || e.kind() == std::io::ErrorKind::StorageFull,
            StorageError::Database(e) => e.to_string().contains("database or disk is full"),
            StorageError::Missing => false,
        }
    }
}

/// A place for sealed document bytes. `put` runs inside the transaction that records the
/// document: a database storage writes in it, a directory writes its file first (the
/// caller deletes it if the transaction fails).
pub trait DocumentStorage: Send + Sync + std::fmt::Debug {
    /// The name stored with each document (`database`, `directory`).
    fn name(&self) -> &'static str;
    /// Stores the sealed bytes of document `id` under `key`.
    fn put<'a>(
        &'a self,
        tx: &'a mut Tx,
        id: i64,
        key: &'a str,
        sealed: Vec<u8>,
    ) -> BoxFuture<'a, Result<(), StorageError>>;
    /// Reads back the sealed bytes.
    fn get<'a>(&'a self, db: &'a Db, id: i64, key: &'a str) -> BoxFuture<'a, Result<Vec<u8>, StorageError>>;
    /// Removes bytes written by a `put` whose transaction did not commit.
    fn discard<'a>(&'a self, key: &'a str) -> BoxFuture<'a, ()>;
}

/// Size of the parts a document is stored in, in the database.
const DB_PART_BYTES: usize = 1024 * 1024;

/// Sealed bytes in the `document_blobs` table, in parts of 1 MiB.
#[derive(Debug, Default)]
pub struct DatabaseStorage;

impl DocumentStorage for DatabaseStorage {
    fn name(&self) -> &'static str {
        "database"
    }

    fn put<'a>(
        &'a self,
        tx: &'a mut Tx,
        id: i64,
        _key: &'a str,
        sealed: Vec<u8>,
    ) -> BoxFuture<'a, Result<(), StorageError>> {
        Box::pin(async move {
            // In parts: the driver copies what it binds, so one part at a time is held twice,
            // never the whole document.
            for (part, bytes) in sealed.chunks(DB_PART_BYTES).enumerate() {
                super::store::insert_blob_part(tx, id, part as i64, bytes).await?;
            }
            Ok(())
        })
    }

    fn get<'a>(&'a self, db: &'a Db, id: i64, _key: &'a str) -> BoxFuture<'a, Result<Vec<u8>, StorageError>> {
        Box::pin(async move {
            let parts = super::store::blob_parts(db, id).await?;
            if parts.is_empty() {
                return Err(StorageError::Missing);
            }
            Ok(parts.concat())
        })
    }

    fn discard<'a>(&'a self, _key: &'a str) -> BoxFuture<'a, ()> {
        // The rolled-back transaction took the rows with it.
        Box::pin(async {})
    }
}

/// Sealed bytes as files in a directory, two levels of sub-directories by key.
#[derive(Debug)]
pub struct DirectoryStorage {
    root: PathBuf,
}

impl DirectoryStorage {
    /// A storage under `root` (created on first write, readable by its owner only).
    pub fn new(root: PathBuf) -> Self {
        DirectoryStorage { root }
    }

    fn path(&self, key: &str) -> PathBuf {
        let shard = key.get(..2).unwrap_or("00");
        self.root.join(shard).join(format!("{key}.sealed"))
    }
}

impl DocumentStorage for DirectoryStorage {
    fn name(&self) -> &'static str {
        "directory"
    }

    fn put<'a>(
        &'a self,
        _tx: &'a mut Tx,
        _id: i64,
        key: &'a str,
        sealed: Vec<u8>,
    ) -> BoxFuture<'a, Result<(), StorageError>> {
        Box::pin(async move {
            let path = self.path(key);
            let dir = path.parent().map(PathBuf::from).unwrap_or_else(|| self.root.clone());
            tokio::fs::create_dir_all(&dir).await?;
            // Written under a temporary name, synced, then renamed: a crash never leaves a
            // half-written document under its real name.
            let tmp = dir.join(format!("{key}.tmp"));
            let mut options = tokio::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            options.mode(0o600);
            let mut file = options.open(&tmp).await?;
            let written = async {
                use tokio::io::AsyncWriteExt;
                file.write_all(&sealed).await?;
                file.sync_all().await
            }
            .await;
            if let Err(e) = written {
                let _ = tokio::fs::remove_file(&tmp).await;
                return Err(e.into());
            }
            tokio::fs::rename(&tmp, &path).await?;
            Ok(())
        })
    }

    fn get<'a>(&'a self, _db: &'a Db, _id: i64, key: &'a str) -> BoxFuture<'a, Result<Vec<u8>, StorageError>> {
        Box::pin(async move {
            match tokio::fs::read(self.path(key)).await {
                Ok(bytes) => Ok(bytes),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(StorageError::Missing),
                Err(e) => Err(e.into()),
            }
        })
    }

    fn discard<'a>(&'a self, key: &'a str) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let _ = tokio::fs::remove_file(self.path(key)).await;
        })
    }
}
