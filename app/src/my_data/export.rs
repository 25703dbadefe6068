//! **Télécharger mes données** (GDPR articles 15 and 20): a ZIP with `donnees.json` —
//! everything Sésame holds about the person: account, profiles, requests, rights, support
//! messages, audit lines about them, documents they opened — and the PDF of each report of
//! their linked records (each one recorded as downloaded, like any opening). Nothing about
//! anyone else: audit lines say "you" or "someone else", never who.
//!
//! Built on request, in memory: a patient's reports are a few hundred kilobytes each.
//! Generating very large exports in the background with an e-mailed, expiring link is not
//! done yet (see the closing note).

use crate::domain::email::Email;
use crate::error::{AppError, FlowError, FlowResult};
use crate::platform::limits::{self, LimitedAction};
use crate::platform::{AppState, RequestContext, audit, audit::AuditEntry};
use serde_json::json;
use std::io::Write;

/// The file name the browser saves.
pub const FILE_NAME: &str = "sesame-mes-donnees.zip";

/// Builds the export of the signed-in person (not of a shared account they switched to).
#[tracing::instrument(skip_all)]
pub async fn build(state: &AppState, ctx: &RequestContext) -> FlowResult<Vec<u8>> {
    let user = ctx.require_user()?;
    if ctx.acting.is_some() {
        return Err(AppError::Forbidden.into());
    }
    crate::reports::flows::require_fresh(ctx)?;
    limits::check(state, LimitedAction::DataExport { user_id: user.id }).await?;
    let db = &state.db;
    let row = crate::accounts::store::find_by_id(db, user.id).await?.ok_or(AppError::Forbidden)?;
    let email_key = Email::parse(&row.email).map(|e| e.key()).unwrap_or_else(|_| row.email.to_lowercase());
    let profiles = crate::activation::store::profiles(state, user.id).await?;
    let requests = crate::access_request::store::of_person(db, user.id, &email_key).await?;
    let access = crate::professional::store::access_of(db, user.id).await?;
    let messages = crate::help::store::of_user(db, user.id).await?;
    let audit_lines = audit::about_user(db, user.id, 100_000).await?;
    let openings = crate::reports::store::accesses_by(db, user.id).await?;
    let memberships = crate::shared_accounts::store::memberships(db, user.id).await?;
    let data = json!({
        "exported_at": state.now(),
        "account": {
            "email": row.email,
            "last_name": row.last_name,
            "first_name": row.first_name,
            "birth_date": row.birth_date,
            "kind": row.kind.as_str(),
            "status": row.status.as_str(),
            "language": row.lang,
            "second_factor": user.totp_enabled,
        },
        "profiles": profiles.iter().map(|p| json!({
            "relation": p.relation,
            "status": p.status,
            "first_names": p.first_names,
            "last_name": p.last_name,
            "birth_date": p.birth_date,
            "lab_refusal_reason": p.review_reason,
        })).collect::<Vec<_>>(),
        "access_requests": requests,
        "rights": access.map(|a| json!({
            "structure_id": a.structure_id,
            "profile": a.profile.as_str(),
            "results": a.rights.results,
            "invoices": a.rights.invoices,
            "all_sites": a.scope.is_all(),
        })),
        "shared_accounts": memberships.iter().map(|m| json!({
            "description": m.description,
            "role": m.role.as_str(),
        })).collect::<Vec<_>>(),
        "support_messages": messages.iter().map(|m| json!({
            "category": m.category,
            "body": m.body,
            "status": m.status,
            "written_at": m.created_at,
        })).collect::<Vec<_>>(),
        "history": audit_lines.iter().map(|a| json!({
            "at": a.at,
            "action": a.action,
            "by": if a.actor_user_id == Some(user.id) { "you" } else { "someone else" },
        })).collect::<Vec<_>>(),
        "documents_opened": openings,
    });
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let zip_error = |e: zip::result::ZipError| FlowError::Other(format!("export archive: {e}"));
    let io_error = |e: std::io::Error| FlowError::Other(format!("export archive: {e}"));
    zip.start_file("donnees.json", options).map_err(zip_error)?;
    zip.write_all(serde_json::to_string_pretty(&data).unwrap_or_default().as_bytes()).map_err(io_error)?;
    let mut pdfs = 0;
    if row.kind == crate::domain::account::UserKind::Patient {
        for report in crate::reports::store::patient_reports(db, user.id).await? {
            if report.version == 0 {
                continue;
            }
            let doc = crate::reports::flows::open_for_patient(state, ctx, report.id, None, true).await?;
            zip.start_file(format!("comptes-rendus/{}-{}", report.id, doc.file_name), options).map_err(zip_error)?;
            zip.write_all(&doc.bytes).map_err(io_error)?;
            pdfs += 1;
        }
    }
    let bytes = zip.finish().map_err(zip_error)?.into_inner();
    let mut tx = state.db.begin().await?;
    audit::record(
        &mut tx,
        state.now(),
        AuditEntry::new(Some(user.id), "account.data_exported", "user", Some(user.id)).with(json!({ "reports": pdfs })),
    )
    .await?;
    tx.commit().await?;
    Ok(bytes)
}
