//! Health documents at rest: reports' and invoices' PDFs, sealed with a key per document
//! ([`seal`]), kept in a [`storage::DocumentStorage`] (database or directory), recorded in
//! the `documents` table ([`store`]). Nothing here knows what a document is about; the
//! reports capability does.

pub mod seal;
pub mod storage;
pub mod store;

pub use storage::{DatabaseStorage, DirectoryStorage, DocumentStorage, StorageError};

/// Why a document could not be stored or read.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// Sealing or opening failed.
    #[error(transparent)]
    Seal(#[from] seal::SealError),
    /// The storage failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// True when `bytes` start like a PDF file (`%PDF-`, possibly after a few bytes of junk that
/// readers tolerate is not accepted: the lab system sends clean files).
pub fn looks_like_pdf(bytes: &[u8]) -> bool {
    bytes.starts_with(b"%PDF-")
}
