//! Opening a health document: the caller's right is checked on the very report, the
//! opening is recorded (who, which version, open or download), and the PDF is opened from
//! its sealed storage.

use super::store;
use crate::domain::account::UserKind;
use crate::error::{AppError, FlowError, FlowResult};
use crate::platform::{AppState, RequestContext};
use crate::professional::store::{DocumentRight, ProAccess};

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
    require_fresh(ctx)?;
    if user.kind != UserKind::Patient {
        return Err(AppError::Forbidden.into());
    }
    open_patient_report(state, user.id, report_id, version, download).await
}

/// Opens a report of the records linked to patient `user_id` (its latest version unless
/// `version` says) and records the opening: the step [`open_for_patient`] and the
/// background export of the patient's data share, once the caller's identity is settled.
pub async fn open_patient_report(
    state: &AppState,
    user_id: i64,
    report_id: i64,
    version: Option<i64>,
    download: bool,
) -> FlowResult<OpenedDocument> {
    let report = store::patient_report(&state.db, user_id, report_id).await?.ok_or(AppError::Forbidden)?;
    let versions = store::versions(&state.db, report.id).await?;
    let chosen = match version {
        None => versions.first(),
        Some(n) => versions.iter().find(|v| v.version == n),
    }
    .ok_or(AppError::Forbidden)?;
    let opening =
        Opening { document_id: chosen.document_id, item_kind: "report", item_id: report.id, version: chosen.version };
    let bytes = open_and_record(state, &opening, user_id, None, download).await?;
    Ok(OpenedDocument { bytes, file_name: report_file_name(&chosen.sampled_on, chosen.version) })
}

/// A health document opens only in a fresh session: after a remembered session sat idle,
/// the password first.
pub fn require_fresh(ctx: &RequestContext) -> FlowResult<()> {
    if ctx.fresh { Ok(()) } else { Err(AppError::PasswordRequired.into()) }
}

/// Which document version is being opened, and as what.
struct Opening {
    document_id: i64,
    item_kind: &'static str,
    item_id: i64,
    version: i64,
}

/// Opens a document from its sealed storage and records who opened it (for a shared
/// account, which member): the one step every PDF route shares, once the caller's right on
/// the item is established.
async fn open_and_record(
    state: &AppState,
    opening: &Opening,
    user_id: i64,
    member_user_id: Option<i64>,
    download: bool,
) -> FlowResult<Vec<u8>> {
    let bytes = crate::documents::store::open(state, opening.document_id)
        .await
        .map_err(|e| FlowError::Other(format!("document {} does not open: {e}", opening.document_id)))?;
    let mut tx = state.db.begin().await?;
    store::record_access(
        &mut tx,
        opening.document_id,
        opening.item_kind,
        opening.item_id,
        opening.version,
        user_id,
        member_user_id,
        if download { "download" } else { "open" },
        state.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(bytes)
}

/// `compte-rendu-AAAA-MM-JJ-vN.pdf`, ASCII only.
fn report_file_name(sampled_on: &str, version: i64) -> String {
    let date: String = sampled_on.chars().filter(|c| c.is_ascii_digit() || *c == '-').collect();
    format!("compte-rendu-{date}-v{version}.pdf")
}

/// The one rule of the professional areas: an active professional (or the shared account
/// a member acts for) holding `right`, with their access (structure, sites). Rights and
/// sites are read on every call, so an approver's change applies at once.
pub async fn holder_of(
    db: &crate::platform::db::Db,
    user: &crate::platform::session::CurrentUser,
    right: DocumentRight,
) -> FlowResult<ProAccess> {
    if !matches!(user.kind, UserKind::Professional | UserKind::Shared)
        || user.status != crate::domain::account::AccountStatus::Active
    {
        return Err(AppError::Forbidden.into());
    }
    let access = crate::professional::store::access_of(db, user.id).await?.ok_or(AppError::Forbidden)?;
    if right.held_by(&access.rights) { Ok(access) } else { Err(AppError::Forbidden.into()) }
}

/// The caller's scope for a professional area ([`holder_of`]): the shared account's when
/// they act for one.
pub async fn pro_scope(state: &AppState, ctx: &RequestContext, right: DocumentRight) -> FlowResult<store::ProScope> {
    let user = ctx.require_principal()?;
    Ok(store::ProScope::of(&holder_of(&state.db, &user, right).await?))
}

/// Opens a report or an invoice for a professional whose right and sites cover it; records
/// the opening. Anything outside their reach is `Forbidden`, whether it exists or not.
#[tracing::instrument(skip_all)]
pub async fn open_for_professional(
    state: &AppState,
    ctx: &RequestContext,
    kind: DocumentRight,
    id: i64,
    download: bool,
) -> FlowResult<OpenedDocument> {
    let scope = pro_scope(state, ctx, kind).await?;
    require_fresh(ctx)?;
    let (opening, file_name) = match kind {
        DocumentRight::Results => {
            let report = store::pro_report(&state.db, &scope, id).await?.ok_or(AppError::Forbidden)?;
            let latest = store::versions(&state.db, report.id).await?.into_iter().next().ok_or(AppError::Forbidden)?;
            let opening =
                Opening { document_id: latest.document_id, item_kind: "report", item_id: id, version: latest.version };
            (opening, report_file_name(&latest.sampled_on, latest.version))
        }
        DocumentRight::Invoices => {
            let invoice = store::pro_invoice(&state.db, &scope, id).await?.ok_or(AppError::Forbidden)?;
            let reference: String =
                invoice.reference.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
            let opening = Opening {
                document_id: invoice.document_id,
                item_kind: "invoice",
                item_id: id,
                version: invoice.version,
            };
            (opening, format!("facture-{reference}.pdf"))
        }
    };
    let member = ctx.acting_for().and(ctx.user.as_ref().map(|u| u.id));
    let bytes = open_and_record(state, &opening, scope.user_id, member, download).await?;
    Ok(OpenedDocument { bytes, file_name })
}
