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

/// Which professional document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProDocument {
    /// A report (Results right).
    Report,
    /// An invoice (Invoices right).
    Invoice,
}

/// The caller's scope for a professional area: an active professional holding the right.
/// Rights and sites are read on every call, so an approver's change applies at once.
pub async fn pro_scope(state: &AppState, ctx: &RequestContext, area: ProDocument) -> FlowResult<store::ProScope> {
    let user = ctx.require_user()?;
    if user.kind != UserKind::Professional || user.status != crate::domain::account::AccountStatus::Active {
        return Err(AppError::Forbidden.into());
    }
    let access = crate::professional::store::access_of(&state.db, user.id).await?.ok_or(AppError::Forbidden)?;
    let allowed = match area {
        ProDocument::Report => access.rights.results,
        ProDocument::Invoice => access.rights.invoices,
    };
    if !allowed {
        return Err(AppError::Forbidden.into());
    }
    Ok(store::ProScope { user_id: user.id, structure_id: access.structure_id, all_sites: access.scope.is_all() })
}

/// Opens a report or an invoice for a professional whose right and sites cover it; records
/// the opening. Anything outside their reach is `Forbidden`, whether it exists or not.
#[tracing::instrument(skip_all)]
pub async fn open_for_professional(
    state: &AppState,
    ctx: &RequestContext,
    kind: ProDocument,
    id: i64,
    download: bool,
) -> FlowResult<OpenedDocument> {
    let scope = pro_scope(state, ctx, kind).await?;
    let (document_id, version, item_kind, file_name) = match kind {
        ProDocument::Report => {
            let report = store::pro_report(&state.db, &scope, id).await?.ok_or(AppError::Forbidden)?;
            let latest = store::versions(&state.db, report.id).await?.into_iter().next().ok_or(AppError::Forbidden)?;
            let date: String = latest.sampled_on.chars().filter(|c| c.is_ascii_digit() || *c == '-').collect();
            (latest.document_id, latest.version, "report", format!("compte-rendu-{date}-v{}.pdf", latest.version))
        }
        ProDocument::Invoice => {
            let invoice = store::pro_invoice(&state.db, &scope, id).await?.ok_or(AppError::Forbidden)?;
            let reference: String =
                invoice.reference.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
            (invoice.document_id, invoice.version, "invoice", format!("facture-{reference}.pdf"))
        }
    };
    let bytes = crate::documents::store::open(state, document_id)
        .await
        .map_err(|e| FlowError::Other(format!("document {document_id} does not open: {e}")))?;
    let mut tx = state.db.begin().await?;
    store::record_access(
        &mut tx,
        document_id,
        item_kind,
        id,
        version,
        scope.user_id,
        if download { "download" } else { "open" },
        state.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(OpenedDocument { bytes, file_name })
}
