//! **Télécharger mes données** (GDPR articles 15 and 20): a ZIP with `donnees.json` —
//! everything Sésame holds about the person: account, profiles, requests, rights, support
//! messages, audit lines about them, documents they opened — and the PDF of each report of
//! their linked records (each one recorded as downloaded, like any opening). Nothing about
//! anyone else: audit lines say "you" or "someone else", never who.
//!
//! A small export is built during the request and answered at once. Beyond
//! [`INLINE_REPORTS`] reports it is queued: the scheduler builds it ([`build_pending`]),
//! seals it like any health document, and e-mails a link to `/mon-compte/export` — the page,
//! behind sign-in, never the file; the person downloads it there by POST until it expires
//! ([`crate::platform::retention::DATA_EXPORT`]), then housekeeping deletes it.

use super::store;
use crate::domain::email::Email;
use crate::error::{AppError, FlowError, FlowResult};
use crate::platform::limits::{self, LimitedAction};
use crate::platform::mail::outbox;
use crate::platform::{AppState, RequestContext, audit, audit::AuditEntry};
use serde_json::json;
use std::io::Write;

/// The file name the browser saves.
pub const FILE_NAME: &str = "sesame-mes-donnees.zip";

/// An export with more reports than this is built in the background.
pub const INLINE_REPORTS: usize = 10;

/// How long the scheduler holds an export it builds before another instance may take it
/// over (its builder died).
const BUILD_LEASE: i64 = 10 * crate::platform::clock::MINUTE;

/// What asking for one's data gives.
#[derive(Debug)]
pub enum Requested {
    /// The ZIP, built during the request.
    File(Vec<u8>),
    /// Queued for the background: an e-mail says when it is ready.
    Queued,
}

/// The one who may read their data: the signed-in person themselves (not a shared account
/// they switched to), in a fresh session.
fn own_fresh_user(ctx: &RequestContext) -> FlowResult<i64> {
    let user = ctx.require_user()?;
    if ctx.acting.is_some() {
        return Err(AppError::Forbidden.into());
    }
    crate::reports::flows::require_fresh(ctx)?;
    Ok(user.id)
}

/// Checks that the caller may export their data ([`own_fresh_user`]); counts the attempt.
async fn authorize(state: &AppState, ctx: &RequestContext) -> FlowResult<i64> {
    let user_id = own_fresh_user(ctx)?;
    limits::check(state, LimitedAction::DataExport { user_id }).await?;
    Ok(user_id)
}

/// **Télécharger mes données**: the ZIP at once for a small account, a queued export for a
/// large one (replacing an earlier one).
#[tracing::instrument(skip_all)]
pub async fn request(state: &AppState, ctx: &RequestContext) -> FlowResult<Requested> {
    let user_id = authorize(state, ctx).await?;
    let reports = crate::reports::store::patient_reports(&state.db, user_id).await?;
    if reports.iter().filter(|r| r.version > 0).count() <= INLINE_REPORTS {
        let (bytes, pdfs) = assemble(state, user_id).await?;
        let mut tx = state.db.begin().await?;
        audit::record(
            &mut tx,
            state.now(),
            AuditEntry::new(Some(user_id), "account.data_exported", "user", Some(user_id))
                .with(json!({ "reports": pdfs })),
        )
        .await?;
        tx.commit().await?;
        return Ok(Requested::File(bytes));
    }
    let now = state.now();
    let mut tx = state.db.begin().await?;
    let replaced = match store::request(&mut tx, user_id, now).await? {
        Some(document) => crate::documents::store::delete(&mut tx, document).await?,
        None => None,
    };
    audit::record(&mut tx, now, AuditEntry::new(Some(user_id), "account.data_export_requested", "user", Some(user_id)))
        .await?;
    tx.commit().await?;
    if let Some(key) = replaced {
        crate::documents::store::forget_bytes(state, &key).await;
    }
    Ok(Requested::Queued)
}

/// The person's ready export, opened from its sealed storage; the download is recorded.
#[tracing::instrument(skip_all)]
pub async fn download(state: &AppState, ctx: &RequestContext) -> FlowResult<Vec<u8>> {
    let user_id = own_fresh_user(ctx)?;
    let document = store::ready_document(&state.db, user_id, state.now()).await?.ok_or(AppError::Forbidden)?;
    let bytes = crate::documents::store::open(state, document)
        .await
        .map_err(|e| FlowError::Other(format!("data export {document} does not open: {e}")))?;
    let mut tx = state.db.begin().await?;
    audit::record(
        &mut tx,
        state.now(),
        AuditEntry::new(Some(user_id), "account.data_export_downloaded", "user", Some(user_id)),
    )
    .await?;
    tx.commit().await?;
    Ok(bytes)
}

/// Builds every queued export (the scheduler's pass): each is sealed, marked ready and
/// announced by e-mail in one transaction. Answers how many were built.
#[tracing::instrument(skip_all)]
pub async fn build_pending(state: &AppState) -> FlowResult<usize> {
    let mut built = 0;
    while let Some(claimed) = store::claim(&state.db, state.now(), BUILD_LEASE).await? {
        let (bytes, pdfs) = match assemble(state, claimed.user_id).await {
            Ok(built) => built,
            Err(e) => {
                // Left claimed: retried once its lease is over; the others go on.
                tracing::error!(export = claimed.id, error = %e, "data export not built");
                continue;
            }
        };
        let Some(row) = crate::accounts::store::find_by_id(&state.db, claimed.user_id).await? else { continue };
        let mut buffer = crate::documents::seal::buffer_for(bytes.len());
        buffer.extend_from_slice(&bytes);
        drop(bytes);
        let now = state.now();
        let expires_at = now + crate::platform::retention::DATA_EXPORT;
        let mut tx = state.db.begin().await?;
        let stored = crate::documents::store::put(state, &mut tx, buffer)
            .await
            .map_err(|e| FlowError::Other(format!("data export not sealed: {e}")))?;
        if !store::mark_ready(&mut tx, claimed.id, stored.id, now, expires_at).await? {
            // Replaced or deleted while it was built.
            drop(tx);
            crate::documents::store::discard(state, &stored).await;
            continue;
        }
        let lang = row.language();
        let mail = super::emails::export_ready(
            lang,
            &row.email,
            &row.first_name,
            &state.settings.url("/mon-compte/export"),
            &crate::pages::date_time(expires_at, lang),
        );
        outbox::enqueue(&mut tx, &mail, now).await?;
        audit::record(
            &mut tx,
            now,
            AuditEntry::new(None, "account.data_export_ready", "user", Some(claimed.user_id))
                .with(json!({ "reports": pdfs })),
        )
        .await?;
        tx.commit().await?;
        state.wake_mailer();
        built += 1;
    }
    Ok(built)
}

/// Deletes expired exports and their sealed files (housekeeping): answers how many.
pub async fn purge_expired(state: &AppState) -> Result<u64, sqlx::Error> {
    let mut tx = state.db.begin().await?;
    let mut keys = Vec::new();
    for document in store::delete_expired(&mut tx, state.now()).await? {
        keys.extend(crate::documents::store::delete(&mut tx, document).await?);
    }
    tx.commit().await?;
    for key in &keys {
        crate::documents::store::forget_bytes(state, key).await;
    }
    Ok(keys.len() as u64)
}

/// Deletes the person's export, if any, inside the account deletion's transaction: answers
/// the storage key to forget once it committed.
pub async fn delete_of(tx: &mut crate::platform::db::Tx, user_id: i64) -> Result<Option<String>, sqlx::Error> {
    match store::delete_of(tx, user_id).await? {
        Some(document) => crate::documents::store::delete(tx, document).await,
        None => Ok(None),
    }
}

/// The ZIP of everything about person `user_id`, and how many report PDFs it holds.
async fn assemble(state: &AppState, user_id: i64) -> FlowResult<(Vec<u8>, usize)> {
    let db = &state.db;
    let row = crate::accounts::store::find_by_id(db, user_id).await?.ok_or(AppError::Forbidden)?;
    let second_factor = crate::accounts::store::second_factor(db, user_id).await?.totp_enabled_at.is_some();
    let email_key = Email::parse(&row.email).map(|e| e.key()).unwrap_or_else(|_| row.email.to_lowercase());
    let profiles = crate::activation::store::profiles(state, user_id).await?;
    let requests = crate::access_request::store::of_person(db, user_id, &email_key).await?;
    let access = crate::professional::store::access_of(db, user_id).await?;
    let messages = crate::help::store::of_user(db, user_id).await?;
    let audit_lines = audit::about_user(db, user_id, 100_000).await?;
    let openings = crate::reports::store::accesses_by(db, user_id).await?;
    let memberships = crate::shared_accounts::store::memberships(db, user_id).await?;
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
            "second_factor": second_factor,
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
            "by": if a.actor_user_id == Some(user_id) { "you" } else { "someone else" },
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
        for report in crate::reports::store::patient_reports(db, user_id).await? {
            if report.version == 0 {
                continue;
            }
            let doc = crate::reports::flows::open_patient_report(state, user_id, report.id, None, true).await?;
            zip.start_file(format!("comptes-rendus/{}-{}", report.id, doc.file_name), options).map_err(zip_error)?;
            zip.write_all(&doc.bytes).map_err(io_error)?;
            pdfs += 1;
        }
    }
    let bytes = zip.finish().map_err(zip_error)?.into_inner();
    Ok((bytes, pdfs))
}
