//! What each call of the lab system does. Every flow validates the whole body first (one
//! problem per invalid field), then changes the database in one transaction — documents,
//! notices and audit entries included — so nothing is half-stored on error.

use super::LabCaller;
use super::types::*;
use crate::activation::store::{self as records, NewRecord};
use crate::documents::{self, DocumentError, seal};
use crate::domain::date::Date;
use crate::domain::structure::CorrespondentCode;
use crate::platform::AppState;
use crate::platform::audit::{self, AuditEntry};
use crate::platform::db::Tx;
use crate::reports::notices::{self, Told};
use crate::reports::store::{self as reports, InvoiceBody as InvoiceRow, ReportHead};
use serde_json::json;

/// The largest PDF accepted (the API answers 413 beyond).
pub const MAX_PDF_BYTES: usize = 20 * 1024 * 1024;
/// The longest reference (patient, report, invoice).
const MAX_REFERENCE: usize = 64;

/// One invalid field of a body.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct FieldProblem {
    /// The field, as named in the body (`prescriber.site_id`, `pdf`…).
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

/// Why a call failed.
#[derive(Debug, thiserror::Error)]
pub enum LabError {
    /// Fields are invalid (or name something unknown): 422, one entry per field.
    #[error("invalid fields")]
    Invalid(Vec<FieldProblem>),
    /// No such report, invoice, patient or structure: 404.
    #[error("not found")]
    NotFound,
    /// The document storage is full: 507.
    #[error("document storage full")]
    StorageFull,
    /// The database is unreachable: 503, nothing stored.
    #[error("unavailable")]
    Unavailable,
    /// A bug or an unexpected failure: 500, details in the log only.
    #[error("internal: {0}")]
    Internal(String),
}

impl From<sqlx::Error> for LabError {
    fn from(e: sqlx::Error) -> Self {
        if crate::platform::db::is_unavailable(&e) {
            LabError::Unavailable
        } else if e.to_string().contains("database or disk is full") {
            LabError::StorageFull
        } else {
            LabError::Internal(e.to_string())
        }
    }
}

impl From<DocumentError> for LabError {
    fn from(e: DocumentError) -> Self {
        match e {
            DocumentError::Database(e) => e.into(),
            DocumentError::Storage(s) if s.is_full() => LabError::StorageFull,
            DocumentError::Storage(documents::StorageError::Database(e)) => e.into(),
            other => LabError::Internal(other.to_string()),
        }
    }
}

/// Collects field problems.
#[derive(Default)]
struct Problems(Vec<FieldProblem>);

impl Problems {
    fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldProblem { field: field.into(), message: message.into() });
    }

    fn text(&mut self, field: &str, value: &str, max: usize) -> String {
        let v = value.trim();
        if v.is_empty() {
            self.add(field, "is required");
        } else if v.chars().count() > max {
            self.add(field, format!("is longer than {max} characters"));
        } else if v.chars().any(char::is_control) {
            self.add(field, "contains control characters");
        }
        v.to_string()
    }

    fn date(&mut self, field: &str, value: &str) -> Option<Date> {
        match Date::parse(value) {
            Ok(d) => Some(d),
            Err(_) => {
                self.add(field, "is not a date (YYYY-MM-DD)");
                None
            }
        }
    }

    fn done(self) -> Result<(), LabError> {
        if self.0.is_empty() { Ok(()) } else { Err(LabError::Invalid(self.0)) }
    }
}

/// Checks a reference given in the path.
fn reference(field: &str, value: &str) -> Result<String, LabError> {
    let mut p = Problems::default();
    let v = p.text(field, value, MAX_REFERENCE);
    if !v.chars().all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c)) {
        p.add(field, "may hold only letters, digits and - _ . /");
    }
    p.done().map(|_| v)
}

fn validate_patient(state: &AppState, lab_reference: &str, body: &PatientBody) -> Result<NewRecord, LabError> {
    let lab_reference = reference("lab_reference", lab_reference)?;
    let mut p = Problems::default();
    let last_name = p.text("last_name", &body.last_name, 100);
    let first_names = p.text("first_names", &body.first_names, 100);
    let birth_name = body.birth_name.as_deref().map(str::trim).filter(|b| !b.is_empty()).map(str::to_string);
    if birth_name.as_ref().is_some_and(|b| b.chars().count() > 100) {
        p.add("birth_name", "is longer than 100 characters");
    }
    let birth_date = p.date("birth_date", &body.birth_date);
    if birth_date.is_some_and(|d| d > state.today()) {
        p.add("birth_date", "is in the future");
    }
    let sex = body.sex.trim().to_ascii_uppercase();
    if !matches!(sex.as_str(), "F" | "M" | "U") {
        p.add("sex", "must be F, M or U");
    }
    let nir = match body.nir.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        None => None,
        Some(n) => match crate::domain::nir::parse_nir(n) {
            Some(n) => Some(n),
            None => {
                p.add("nir", "is not a valid NIR (15 characters, key checked; 2A/2B for Corsica)");
                None
            }
        },
    };
    p.done()?;
    Ok(NewRecord {
        lab_reference,
        last_name,
        birth_name,
        first_names,
        birth_date: birth_date.ok_or_else(|| LabError::Internal("validated date missing".into()))?,
        sex,
        nir,
    })
}

async fn record_audit(
    tx: &mut Tx,
    state: &AppState,
    caller: &LabCaller,
    action: &'static str,
    subject: &'static str,
    id: i64,
    mut details: serde_json::Value,
) -> Result<(), sqlx::Error> {
    details["token"] = json!(caller.name);
    audit::record(tx, state.now(), AuditEntry::new(None, action, subject, Some(id)).with(details)).await
}

/// `PUT /patients/{lab_reference}`: creates the record (and its activation code) or
/// updates its identity; the same body twice changes nothing. A new birth date on a record
/// already linked sends its links back to the lab's review.
#[tracing::instrument(skip_all)]
pub async fn put_patient(
    state: &AppState,
    caller: &LabCaller,
    lab_reference: &str,
    body: &PatientBody,
) -> Result<PatientAnswer, LabError> {
    let record = validate_patient(state, lab_reference, body)?;
    let mut tx = state.db.begin().await?;
    if let Some(id) = records::insert_record_if_absent(state, &mut tx, &record).await? {
        let code = records::new_code(state, &mut tx, id).await?;
        record_audit(&mut tx, state, caller, "lab.patient_created", "patient_record", id, json!({})).await?;
        tx.commit().await?;
        return Ok(PatientAnswer {
            lab_reference: record.lab_reference,
            outcome: "created".into(),
            activation_code: Some(code.grouped()),
            links_sent_to_review: 0,
        });
    }
    // It exists (perhaps created by a concurrent call that has now committed).
    let row = records::record_row(&mut tx, &record.lab_reference)
        .await?
        .ok_or_else(|| LabError::Internal("record vanished during update".into()))?;
    let mut changed = Vec::new();
    if row.last_name != record.last_name {
        changed.push("last_name");
    }
    if row.birth_name != record.birth_name {
        changed.push("birth_name");
    }
    if row.first_names != record.first_names {
        changed.push("first_names");
    }
    if row.birth_date != record.birth_date.iso() {
        changed.push("birth_date");
    }
    if row.sex != record.sex {
        changed.push("sex");
    }
    if row.nir != record.nir {
        changed.push("nir");
    }
    if changed.is_empty() {
        return Ok(PatientAnswer {
            lab_reference: record.lab_reference,
            outcome: "unchanged".into(),
            activation_code: None,
            links_sent_to_review: 0,
        });
    }
    records::update_identity(&mut tx, row.id, &record).await?;
    let to_review = if changed.contains(&"birth_date") {
        records::send_links_to_review(&mut tx, row.id, state.now()).await?
    } else {
        0
    };
    record_audit(
        &mut tx,
        state,
        caller,
        "lab.patient_updated",
        "patient_record",
        row.id,
        json!({ "fields": changed, "links_sent_to_review": to_review }),
    )
    .await?;
    tx.commit().await?;
    Ok(PatientAnswer {
        lab_reference: record.lab_reference,
        outcome: "updated".into(),
        activation_code: None,
        links_sent_to_review: to_review,
    })
}

/// `POST /patients/{lab_reference}/activation-code`: a new code; the unused one dies.
#[tracing::instrument(skip_all)]
pub async fn new_activation_code(
    state: &AppState,
    caller: &LabCaller,
    lab_reference: &str,
) -> Result<ActivationCodeAnswer, LabError> {
    let lab_reference = reference("lab_reference", lab_reference)?;
    let mut tx = state.db.begin().await?;
    let row = records::record_row(&mut tx, &lab_reference).await?.ok_or(LabError::NotFound)?;
    let code = records::new_code(state, &mut tx, row.id).await?;
    record_audit(&mut tx, state, caller, "record.code_reissued", "patient_record", row.id, json!({})).await?;
    tx.commit().await?;
    Ok(ActivationCodeAnswer { lab_reference, activation_code: code.grouped() })
}

/// A PDF received, in a buffer ready to be sealed in place (see [`seal::buffer_for`]).
pub struct Pdf(Vec<u8>);

impl std::fmt::Debug for Pdf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Pdf({} bytes)", self.len())
    }
}

impl Pdf {
    /// An empty buffer for a PDF of about `expected` bytes.
    pub fn with_capacity(expected: usize) -> Self {
        Pdf(seal::buffer_for(expected.min(MAX_PDF_BYTES)))
    }

    /// A PDF from bytes (copied once into the sealing buffer).
    pub fn from_bytes(bytes: &[u8]) -> Self {
        let mut pdf = Pdf::with_capacity(bytes.len());
        pdf.0.extend_from_slice(bytes);
        pdf
    }

    /// Appends a chunk; `false` (and nothing appended) if the PDF would exceed
    /// [`MAX_PDF_BYTES`].
    pub fn push(&mut self, chunk: &[u8]) -> bool {
        if self.len() + chunk.len() > MAX_PDF_BYTES {
            return false;
        }
        self.0.extend_from_slice(chunk);
        true
    }

    /// The PDF's size in bytes.
    pub fn len(&self) -> usize {
        self.0.len() - seal::NONCE_LEN
    }

    /// True when nothing was received.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn bytes(&self) -> &[u8] {
        &self.0[seal::NONCE_LEN..]
    }
}

fn check_pdf(p: &mut Problems, pdf: Option<&Pdf>) {
    match pdf {
        None => p.add("pdf", "is required (pdf_base64, or a multipart part named pdf)"),
        Some(pdf) if pdf.is_empty() => p.add("pdf", "is empty"),
        Some(pdf) if !documents::looks_like_pdf(pdf.bytes()) => {
            p.add("pdf", "is not a PDF file (it must start with %PDF-)")
        }
        Some(_) => {}
    }
}

/// Resolves a prescriber to (structure id, site id), adding problems under `prefix`.
async fn resolve_site(
    state: &AppState,
    p: &mut Problems,
    prefix: &str,
    code: &str,
    site_id: Option<i64>,
) -> Result<Option<(i64, Option<i64>)>, LabError> {
    let code_field = format!("{prefix}correspondent_code");
    let Ok(parsed) = CorrespondentCode::parse(code) else {
        p.add(&code_field, "is not a correspondent code");
        return Ok(None);
    };
    let Some(structure) = crate::structures::store::find_by_code(&state.db, &parsed).await? else {
        p.add(&code_field, format!("names no structure known to Sésame ('{}')", parsed.as_str()));
        return Ok(None);
    };
    if let Some(site_id) = site_id {
        let sites = crate::structures::store::sites(&state.db, structure.id).await?;
        if !sites.iter().any(|s| s.id == site_id) {
            p.add(&format!("{prefix}site_id"), format!("is not a site of structure {}", structure.code));
            return Ok(None);
        }
    }
    Ok(Some((structure.id, site_id)))
}

/// A fingerprint of what the lab sent: the same body twice is the same version.
fn fingerprint(parts: &[&str], pdf: &Pdf) -> String {
    let mut text = parts.join("\u{1f}");
    text.push('\u{1f}');
    text.push_str(&crate::platform::crypto::sha256_bytes_hex(pdf.bytes()));
    crate::platform::crypto::sha256_hex(&text)
}

/// A report body that passed every check.
struct ValidReport {
    reference: String,
    patient: String,
    record_id: i64,
    sampled_on: String,
    status: String,
    title: String,
    structure_id: Option<i64>,
    site_id: Option<i64>,
    /// The prescriber as sent ("CODE/site"), part of the body's fingerprint.
    prescriber_text: String,
}

async fn validate_report(
    state: &AppState,
    report_reference: &str,
    body: &ReportBody,
    pdf: Option<&Pdf>,
) -> Result<ValidReport, LabError> {
    let report_reference = reference("reference", report_reference)?;
    let mut p = Problems::default();
    let patient = p.text("patient", &body.patient, MAX_REFERENCE);
    let sampled_on = p.date("sampled_on", &body.sampled_on);
    if sampled_on.is_some_and(|d| d > state.today()) {
        p.add("sampled_on", "is in the future");
    }
    let status = body.status.trim().to_ascii_lowercase();
    if !matches!(status.as_str(), "partial" | "complete") {
        p.add("status", "must be partial or complete");
    }
    let title = p.text("title", &body.title, 200);
    check_pdf(&mut p, pdf);
    let prescriber = match &body.prescriber {
        Some(pr) => resolve_site(state, &mut p, "prescriber.", &pr.correspondent_code, pr.site_id).await?,
        None => None,
    };
    let record = if patient.is_empty() {
        None
    } else {
        // A plain read: a batch import holds the write transaction meanwhile.
        let row = records::find_record_row(&state.db, &patient).await?;
        if row.is_none() {
            p.add(
                "patient",
                format!(
                    "no patient record with lab reference '{patient}': create it first with PUT /patients/{patient}"
                ),
            );
        }
        row
    };
    p.done()?;
    let (Some(record), Some(sampled_on)) = (record, sampled_on) else {
        return Err(LabError::Internal("validated fields missing".into()));
    };
    let (structure_id, site_id) = prescriber.map(|(s, site)| (Some(s), site)).unwrap_or((None, None));
    Ok(ValidReport {
        reference: report_reference,
        patient,
        record_id: record.id,
        sampled_on: sampled_on.iso(),
        status,
        title,
        structure_id,
        site_id,
        prescriber_text: body
            .prescriber
            .as_ref()
            .map(|p| format!("{}/{}", p.correspondent_code.trim().to_ascii_uppercase(), p.site_id.unwrap_or(0)))
            .unwrap_or_default(),
    })
}

/// Checks a report as `PUT /reports/{reference}` would, storing nothing (the CLI import
/// checks every line before publishing any).
pub async fn check_report(
    state: &AppState,
    report_reference: &str,
    body: &ReportBody,
    pdf: Option<&Pdf>,
) -> Result<(), LabError> {
    validate_report(state, report_reference, body, pdf).await.map(|_| ())
}

/// `PUT /reports/{reference}`: publishes a report or a new version of it (sealed PDF,
/// notices, audit) in one transaction; the same body twice is one version.
#[tracing::instrument(skip_all)]
pub async fn put_report(
    state: &AppState,
    caller: &LabCaller,
    report_reference: &str,
    body: &ReportBody,
    pdf: Option<Pdf>,
) -> Result<ReportAnswer, LabError> {
    // Checked (reads on their own connections) before the write transaction opens: a
    // transaction that waits for a second connection of the pool can starve it.
    let valid = validate_report(state, report_reference, body, pdf.as_ref()).await?;
    let mut tx = state.db.begin().await?;
    let mut stored = Vec::new();
    let result = async {
        let answer = publish_report_in(state, &mut tx, caller, valid, pdf, &mut stored).await?;
        tx.commit().await?;
        Ok(answer)
    }
    .await;
    finish(state, result, &stored).await
}

/// After a publication's transaction: wakes the mailer when it committed, removes the
/// documents it wrote when it did not.
async fn finish<T>(
    state: &AppState,
    result: Result<T, LabError>,
    stored: &[documents::store::Stored],
) -> Result<T, LabError> {
    match result {
        Ok(v) => {
            if !stored.is_empty() {
                state.wake_mailer();
            }
            Ok(v)
        }
        Err(e) => {
            for s in stored {
                documents::store::discard(state, s).await;
            }
            Err(e)
        }
    }
}

/// Publishes every report of a batch in one transaction: all of them, or none (the
/// `sesame reports import` command). Each is checked as the API checks it. The batch is
/// consumed one report at a time, so a lazy iterator holds one PDF in memory at once.
#[tracing::instrument(skip_all)]
pub async fn put_reports_batch(
    state: &AppState,
    caller: &LabCaller,
    batch: impl IntoIterator<Item = (String, ReportBody, Pdf)>,
    mut progress: impl FnMut(),
) -> Result<Vec<ReportAnswer>, LabError> {
    let mut tx = state.db.begin().await?;
    let mut stored = Vec::new();
    let result = async {
        let mut answers = Vec::new();
        for (reference, body, pdf) in batch {
            // One command at a time holds this transaction; its checks read beside it.
            let valid = validate_report(state, &reference, &body, Some(&pdf)).await?;
            answers.push(publish_report_in(state, &mut tx, caller, valid, Some(pdf), &mut stored).await?);
            progress();
        }
        tx.commit().await?;
        Ok(answers)
    }
    .await;
    finish(state, result, &stored).await
}

/// A report's publication inside the caller's transaction (which it does not commit);
/// documents written are added to `stored`, for the caller to discard on failure.
async fn publish_report_in(
    state: &AppState,
    tx: &mut Tx,
    caller: &LabCaller,
    valid: ValidReport,
    pdf: Option<Pdf>,
    stored: &mut Vec<documents::store::Stored>,
) -> Result<ReportAnswer, LabError> {
    let Some(pdf) = pdf else { return Err(LabError::Internal("validated PDF missing".into())) };
    let ValidReport {
        reference: report_reference,
        patient,
        record_id,
        sampled_on,
        status,
        title,
        structure_id,
        site_id,
        prescriber_text,
    } = valid;
    let head = ReportHead {
        record_id,
        reference: &report_reference,
        status: &status,
        sampled_on: &sampled_on,
        title: &title,
        structure_id,
        site_id,
    };
    let hash = fingerprint(&[&patient, &prescriber_text, &sampled_on, &status, &title], &pdf);
    let now = state.now();

    let (report_id, created) = match reports::insert_report(tx, &head, now).await? {
        Some(id) => (id, true),
        None => {
            let existing = reports::report_by_reference(tx, &report_reference)
                .await?
                .ok_or_else(|| LabError::Internal("report vanished".into()))?;
            if existing.record_id != record_id {
                return Err(LabError::Invalid(vec![FieldProblem {
                    field: "patient".into(),
                    message: format!("report {report_reference} belongs to another patient record"),
                }]));
            }
            reports::lock_report(tx, existing.id).await?;
            (existing.id, false)
        }
    };
    let latest = reports::latest_version(tx, report_id).await?;
    let withdrawn = !created
        && reports::report_by_reference(tx, &report_reference).await?.is_some_and(|r| r.withdrawn_at.is_some());
    // The same body as any version already received (a retry, a re-run import, an older
    // version sent again) changes nothing: a report never goes back to an earlier state.
    if let Some(v) = &latest
        && !withdrawn
        && reports::version_with_body(tx, report_id, &hash).await?.is_some()
    {
        return Ok(ReportAnswer {
            reference: report_reference,
            patient,
            status: v.status.clone(),
            sampled_on: Some(v.sampled_on.clone()),
            title: Some(v.title.clone()),
            version: v.version,
            outcome: "unchanged".into(),
            notified: None,
        });
    }
    let version = latest.as_ref().map_or(1, |v| v.version + 1);
    let completed = latest.as_ref().is_some_and(|v| v.status == "partial") && status == "complete";
    let document = documents::store::put(state, tx, pdf.0).await?;
    let document_id = document.id;
    stored.push(document);
    if !reports::add_version(tx, report_id, version, &head, document_id, &hash, now).await? {
        return Err(LabError::Internal("version taken concurrently".into()));
    }
    let told = notices::report_published(state, tx, report_id, &head, completed).await?;
    record_audit(tx, state, caller, "lab.report_published", "report", report_id, json!({ "version": version })).await?;
    Ok(ReportAnswer {
        reference: report_reference,
        patient,
        status,
        sampled_on: Some(sampled_on),
        title: Some(title),
        version,
        outcome: if created { "created" } else { "new_version" }.into(),
        notified: Some(Notified {
            patients: told.patients,
            professionals: told.professionals,
            in_digest: told.in_digest,
        }),
    })
}

/// `GET /reports/{reference}`: the metadata (never the PDF).
pub async fn get_report(state: &AppState, report_reference: &str) -> Result<ReportAnswer, LabError> {
    let report = reports::find_report(&state.db, report_reference.trim()).await?.ok_or(LabError::NotFound)?;
    let versions = reports::versions(&state.db, report.id).await?;
    let patient = records::reference_of(&state.db, report.record_id).await?;
    Ok(ReportAnswer {
        reference: report.reference,
        patient,
        status: report.status,
        sampled_on: report.sampled_on,
        title: report.title,
        version: versions.first().map_or(0, |v| v.version),
        outcome: if report.withdrawn_at.is_some() { "withdrawn" } else { "published" }.into(),
        notified: None,
    })
}

/// `DELETE /reports/{reference}`: withdraws a report sent in error: it leaves every view,
/// mails not yet sent about it are cancelled, nobody is told.
#[tracing::instrument(skip_all)]
pub async fn withdraw_report(
    state: &AppState,
    caller: &LabCaller,
    report_reference: &str,
) -> Result<ReportAnswer, LabError> {
    let mut tx = state.db.begin().await?;
    let report = reports::report_by_reference(&mut tx, report_reference.trim()).await?.ok_or(LabError::NotFound)?;
    let now = state.now();
    if reports::withdraw_report(&mut tx, report.id, now).await? {
        let cancelled = notices::withdrawn(&mut tx, "report", report.id, now).await?;
        record_audit(
            &mut tx,
            state,
            caller,
            "lab.report_withdrawn",
            "report",
            report.id,
            json!({ "mails_cancelled": cancelled }),
        )
        .await?;
    }
    tx.commit().await?;
    let mut answer = get_report(state, &report.reference).await?;
    answer.outcome = "withdrawn".into();
    Ok(answer)
}

/// `PUT /invoices/{reference}`: publishes an invoice or a new version of it.
#[tracing::instrument(skip_all)]
pub async fn put_invoice(
    state: &AppState,
    caller: &LabCaller,
    invoice_reference: &str,
    body: &InvoiceBody,
    pdf: Option<Pdf>,
) -> Result<InvoiceAnswer, LabError> {
    let invoice_reference = reference("reference", invoice_reference)?;
    let mut p = Problems::default();
    let start = p.date("period_start", &body.period_start);
    let end = p.date("period_end", &body.period_end);
    if let (Some(s), Some(e)) = (start, end)
        && e < s
    {
        p.add("period_end", "is before period_start");
    }
    let due = p.date("due_on", &body.due_on);
    if body.amount_cents < 0 || body.amount_cents > 100_000_000_000 {
        p.add("amount_cents", "must be between 0 and 100,000,000,000 (one billion euros)");
    }
    check_pdf(&mut p, pdf.as_ref());
    let site = resolve_site(state, &mut p, "", &body.correspondent_code, Some(body.site_id)).await?;
    p.done()?;
    let (Some((structure_id, _)), Some(start), Some(end), Some(due), Some(pdf)) = (site, start, end, due, pdf) else {
        return Err(LabError::Internal("validated fields missing".into()));
    };
    let (start, end, due) = (start.iso(), end.iso(), due.iso());
    let row = InvoiceRow {
        reference: &invoice_reference,
        structure_id,
        site_id: body.site_id,
        period_start: &start,
        period_end: &end,
        amount_cents: body.amount_cents,
        due_on: &due,
    };
    let hash = fingerprint(
        &[&structure_id.to_string(), &body.site_id.to_string(), &start, &end, &body.amount_cents.to_string(), &due],
        &pdf,
    );
    let now = state.now();
    let mut tx = state.db.begin().await?;
    // Locked before it is read: a concurrent new version waits for this one and then builds
    // on it, as reports do.
    reports::lock_invoice(&mut tx, &invoice_reference).await?;
    let existing = reports::invoice_by_reference(&mut tx, &invoice_reference).await?;
    if let Some(inv) = &existing
        && inv.body_hash == hash
        && inv.withdrawn_at.is_none()
    {
        return Ok(invoice_answer(inv, &body.correspondent_code, "unchanged", None));
    }
    let stored = documents::store::put(state, &mut tx, pdf.0).await?;
    let result: Result<(reports::Invoice, bool, Told), LabError> = async {
        let (id, created) = match &existing {
            None => match reports::insert_invoice(&mut tx, &row, stored.id, &hash, now).await? {
                Some(id) => (id, true),
                None => return Err(LabError::Internal("invoice created concurrently".into())),
            },
            Some(inv) => {
                if !reports::replace_invoice(&mut tx, inv.id, inv.version, &row, stored.id, &hash, now).await? {
                    return Err(LabError::Internal("invoice changed concurrently".into()));
                }
                (inv.id, false)
            }
        };
        let told = notices::invoice_published(state, &mut tx, id, structure_id, body.site_id).await?;
        record_audit(&mut tx, state, caller, "lab.invoice_published", "invoice", id, json!({})).await?;
        // The answer says the version this call wrote, not whatever a later call made of it.
        let written = reports::invoice_by_reference(&mut tx, &invoice_reference)
            .await?
            .ok_or_else(|| LabError::Internal("invoice vanished".into()))?;
        tx.commit().await?;
        Ok((written, created, told))
    }
    .await;
    match result {
        Ok((inv, created, told)) => {
            state.wake_mailer();
            Ok(invoice_answer(
                &inv,
                &body.correspondent_code,
                if created { "created" } else { "new_version" },
                Some(Notified { patients: 0, professionals: told.professionals, in_digest: told.in_digest }),
            ))
        }
        Err(e) => {
            documents::store::discard(state, &stored).await;
            if matches!(e, LabError::Internal(_))
                && let Ok(Some(inv)) = reports::find_invoice(&state.db, &invoice_reference).await
                && inv.body_hash == hash
            {
                // A concurrent identical call stored it first.
                return Ok(invoice_answer(&inv, &body.correspondent_code, "unchanged", None));
            }
            Err(e)
        }
    }
}

fn invoice_answer(inv: &reports::Invoice, code: &str, outcome: &str, notified: Option<Notified>) -> InvoiceAnswer {
    InvoiceAnswer {
        reference: inv.reference.clone(),
        correspondent_code: code.trim().to_ascii_uppercase(),
        site_id: inv.site_id,
        period_start: inv.period_start.clone(),
        period_end: inv.period_end.clone(),
        amount_cents: inv.amount_cents,
        due_on: inv.due_on.clone(),
        version: inv.version,
        outcome: outcome.into(),
        notified,
    }
}

/// `GET /invoices/{reference}`.
pub async fn get_invoice(state: &AppState, invoice_reference: &str) -> Result<InvoiceAnswer, LabError> {
    let inv = reports::find_invoice(&state.db, invoice_reference.trim()).await?.ok_or(LabError::NotFound)?;
    let code = crate::structures::store::find(&state.db, inv.structure_id).await?.map(|s| s.code).unwrap_or_default();
    let outcome = if inv.withdrawn_at.is_some() { "withdrawn" } else { "published" };
    Ok(invoice_answer(&inv, &code, outcome, None))
}

/// `DELETE /invoices/{reference}`.
#[tracing::instrument(skip_all)]
pub async fn withdraw_invoice(
    state: &AppState,
    caller: &LabCaller,
    invoice_reference: &str,
) -> Result<InvoiceAnswer, LabError> {
    let mut tx = state.db.begin().await?;
    let inv = reports::invoice_by_reference(&mut tx, invoice_reference.trim()).await?.ok_or(LabError::NotFound)?;
    let now = state.now();
    if reports::withdraw_invoice(&mut tx, inv.id, now).await? {
        let cancelled = notices::withdrawn(&mut tx, "invoice", inv.id, now).await?;
        record_audit(
            &mut tx,
            state,
            caller,
            "lab.invoice_withdrawn",
            "invoice",
            inv.id,
            json!({ "mails_cancelled": cancelled }),
        )
        .await?;
    }
    tx.commit().await?;
    get_invoice(state, &inv.reference).await
}

/// `GET /structures/{code}`: whether to print and post (paperless, migrated sites).
pub async fn structure(state: &AppState, code: &str) -> Result<StructureAnswer, LabError> {
    let parsed = CorrespondentCode::parse(code).map_err(|_| LabError::NotFound)?;
    let structure = crate::structures::store::find_by_code(&state.db, &parsed).await?.ok_or(LabError::NotFound)?;
    let sites = crate::structures::store::site_migrations(&state.db, structure.id).await?;
    Ok(StructureAnswer {
        correspondent_code: structure.code,
        name: structure.name,
        paperless: crate::shared_accounts::store::paperless(&state.db, structure.id).await?,
        sites: sites
            .into_iter()
            .map(|s| SiteAnswer { id: s.id, name: s.name, city: s.city, migrated: s.migrated_at.is_some() })
            .collect(),
    })
}
