//! Opening a health document: the caller's right is checked on the very report, the
//! opening is recorded (who, which version, open or download), and the PDF is opened from
//! its sealed storage.

use super::store;
use crate::domain::account::UserKind;
use crate::error::{AppError, FlowError, FlowResult};
use crate::platform::{AppState, RequestContext};

/// A PDF ready to send.
pub struct OpenedDocument {
    /// The PDF.
    pub bytes: Vec<u8>,
    /// A safe file name (ASCII, no path).
    pub file_name: String,
}

impl std::fmt::Debug for OpenedDocument {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "OpenedDocument({})", self.file_name)
    }
}

/// Opens a version of a report (the latest by default) for the patient whose account the
/// record is linked to; records the opening. A report the person may not see is
/// `Forbidden`, whether it exists or not.
#[tracing::instrument(skip_all)]
pub async fn open_for_patient(
    state: &AppState,
    ctx: &RequestContext,
    report_id: i64,
    version: Option<i64>,
    download: bool,
) -> FlowResult<OpenedDocument> {
    let user = ctx.require_user()?;
    if user.kind != UserKind::Patient {
        return Err(AppError::Forbidden.into());
    }
    let report = store::patient_report(&state.db, user.id, report_id).await?.ok_or(AppError::Forbidden)?;
    let versions = store::versions(&state.db, report.id).await?;
    let chosen = match version {
        None => versions.first(),
        Some(n) => versions.iter().find(|v| v.version == n),
    }
    .ok_or(AppError::Forbidden)?;
    let bytes = crate::documents::store::open(state, chosen.document_id)
        .await
        .map_err(|e| FlowError::Other(format!("document {} does not open: {e}", chosen.document_id)))?;
    let mut tx = state.db.begin().await?;
    store::record_access(
        &mut tx,
        chosen.document_id,
        "report",
        report.id,
        chosen.version,
        user.id,
        if download { "download" } else { "open" },
        state.now(),
    )
    .await?;
    tx.commit().await?;
    let date: String = chosen.sampled_on.chars().filter(|c| c.is_ascii_digit() || *c == '-').collect();
    Ok(OpenedDocument { bytes, file_name: format!("compte-rendu-{date}-v{}.pdf", chosen.version) })
}
